# The DejaVu fonts: DejaVuSans.ttf through ports/tool/prepare.sh (see
# ports/freetype/build.mk), the terminal's monospaced fonts through
# fetch.sh, from the same package, each pinned in ports/dejavu/files.
DEJAVU_SRC := $(B)/ports/dejavu/src
DEJAVU_MONO := $(DEJAVU_SRC)/DejaVuSansMono.ttf
DEJAVU_MONO_BOLD := $(DEJAVU_SRC)/DejaVuSansMono-Bold.ttf
$(DEJAVU_MONO) $(DEJAVU_MONO_BOLD): ports/dejavu/files ports/dejavu/fetch.sh
	@sh ports/dejavu/fetch.sh $(notdir $@)
	@touch $@
