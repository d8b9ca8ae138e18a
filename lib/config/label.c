/*
 * The one label-policy matcher. A session label names the path of
 * components a request came through ("runtime -> browser -> fs"); a policy
 * names whole elements of that path, never a part of a name, so that a
 * policy for "panel" is no policy for "panel2".
 */
#include <base/config.h>
#include <base/error.h>
#include <base/string.h>

static const char SEP[] = " -> ";
#define SEP_LEN (sizeof(SEP) - 1)

static bool
starts(const char *s, size_t n, const char *with, size_t k)
{
	return k <= n && !memcmp(s, with, k);
}

/* want is the first elements of label (zero elements: any label). */
static bool
prefix_matches(const char *want, const char *label)
{
	size_t k = strlen(want), n = strlen(label);

	if (!k)
		return true;
	if (!starts(label, n, want, k))
		return false;
	return k == n ||
	    (k >= SEP_LEN && !memcmp(want + k - SEP_LEN, SEP, SEP_LEN)) ||
	    starts(label + k, n - k, SEP, SEP_LEN);
}

/* want is the last elements of label (zero elements: any label). */
static bool
suffix_matches(const char *want, const char *label)
{
	size_t k = strlen(want), n = strlen(label);

	if (!k)
		return true;
	if (k > n || memcmp(label + n - k, want, k))
		return false;
	return k == n || starts(want, k, SEP, SEP_LEN) ||
	    (n - k >= SEP_LEN &&
		!memcmp(label + n - k - SEP_LEN, SEP, SEP_LEN));
}

enum label_how {
	LABEL_EXACT,
	LABEL_PREFIX,
	LABEL_SUFFIX
};

/* One attribute's test: missing passes, too long to hold fails. */
static bool
attr_passes(struct config_node node, const char *name, const char *label,
    enum label_how how)
{
	char want[CONFIG_LABEL_MAX];
	int e = config_attr_copy(node, name, want, sizeof(want));

	if (e == -E_NOENT)
		return true;
	if (e)
		return false;
	switch (how) {
	case LABEL_PREFIX:
		return prefix_matches(want, label);
	case LABEL_SUFFIX:
		return suffix_matches(want, label);
	default:
		return !strcmp(want, label);
	}
}

bool
config_label_matches(struct config_node node, const char *label)
{
	return attr_passes(node, "label", label, LABEL_EXACT) &&
	    attr_passes(node, "label_prefix", label, LABEL_PREFIX) &&
	    attr_passes(node, "label_suffix", label, LABEL_SUFFIX);
}

bool
config_has_label(struct config_node node)
{
	return config_has_attr(node, "label") ||
	    config_has_attr(node, "label_prefix") ||
	    config_has_attr(node, "label_suffix");
}
