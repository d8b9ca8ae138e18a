/*
 * The kernel's binary interface as user code sees it: object types, rights,
 * message layout, the user thread control block (UTCB), fault messages and
 * the boot information that the kernel hands the root task. The system-call
 * numbers and stubs are generated from kernel/syscalls.def into
 * <kernel/syscalls.h>; this file holds what the calls exchange.
 */
#pragma once

#include <stdint.h>

/* Kernel object types, as passed to obj_create and reported by cap_info. */
enum kobj_type {
	KOBJ_NONE = 0,
	KOBJ_PD = 1,
	KOBJ_THREAD = 2,
	KOBJ_ENDPOINT = 3,
	KOBJ_SIGNAL = 4,
	KOBJ_IRQ = 5,
	KOBJ_REPLY =
	    6, /* a parked reply (ipc_defer); never created or copied */
};

/*
 * Interrupt sources, obj_create(KOBJ_IRQ)'s first argument: an I/O APIC
 * input (a GSI, 0 up to the I/O APIC's inputs, at most IRQ_GSI_MAX) with
 * its trigger mode and polarity, or a message-signalled vector. An MSI
 * source n fires when a device writes IRQ_MSI_VECTOR + n to the boot
 * information's msi_address.
 */
#define IRQ_GSI_MAX 24u
#define IRQ_LEVEL (1u << 8) /* level-triggered (else edge) */
#define IRQ_LOW (1u << 9)   /* active low (else high) */
#define IRQ_MSI (1u << 10)  /* | n, n < IRQ_MSI_COUNT */
#define IRQ_MSI_COUNT 64u
#define IRQ_MSI_VECTOR 64u

/*
 * Memory that core donates for each object type: a PD takes a page for its
 * top-level page table, one for its header and one or more of 64
 * capability slots each (more come with pd_grow); a thread takes one page;
 * the others a 128-byte aligned block.
 */
#define KOBJ_PAGE 4096u
#define KOBJ_SMALL 128u
#define KOBJ_PD_MIN_PAGES 3u /* top page table, header, 64 slots */
#define CAP_PAGE_SLOTS 64u   /* slots per page of a capability space */
#define CAP_PAGES_MAX 256u   /* pages a capability space grows to */

/* Rights carried by a capability. A derived copy has a subset. */
#define RIGHT_SEND 0x1u  /* call an endpoint, submit a signal, use an object */
#define RIGHT_RECV 0x2u  /* wait on an endpoint or signal */
#define RIGHT_GRANT 0x4u /* pass the capability on to another PD */
#define RIGHT_ALL 0x7u

/* Capability slots that the kernel fills in the root task's space. */
#define CAP_NULL 0u
#define CAP_SELF_PD 1u
#define CAP_SELF_THREAD 2u
#define CAP_ROOT_FIRST_FREE 8u

/*
 * A message info word: the label (what the message means to its protocol),
 * the number of message words and the number of capabilities it carries.
 */
#define MSG_WORDS_MAX 64u
#define MSG_CAPS_MAX 4u
#define MSG_INFO(label, words, caps)                           \
	(((uint64_t)(label) << 16) | ((uint64_t)(caps) << 8) | \
	    (uint64_t)(words))
#define MSG_LABEL(info) ((info) >> 16)
#define MSG_NWORDS(info) ((unsigned)((info)&0x7f))
#define MSG_NCAPS(info) ((unsigned)(((info) >> 8) & 0x7))

/*
 * The UTCB: one page per thread, mapped into its PD by core. It holds the
 * message words of the last message sent or received, the capability slots
 * to send from and to receive into.
 */
struct utcb {
	uint64_t msg[MSG_WORDS_MAX];
	uint32_t snd_caps[MSG_CAPS_MAX];   /* slots whose caps go with a send */
	uint32_t rcv_caps[MSG_CAPS_MAX];   /* empty slots that receive caps */
	uint64_t rcv_badges[MSG_CAPS_MAX]; /* badges of the received caps */
	uint64_t tls[8];                   /* for the runtime's own use */
	uint64_t
	    self; /* the UTCB's address: the thread's GS base points here */
};
_Static_assert(sizeof(struct utcb) <= 4096, "the UTCB fits one page");

/* Page mapping attributes for map(). Readable is implied. */
#define MAP_W 0x1u  /* writable */
#define MAP_X 0x2u  /* executable */
#define MAP_UC 0x4u /* uncached, for device registers */
#define MAP_WC 0x8u /* write-combining, for frame buffers */

/*
 * Labels from LABEL_KERNEL up are the kernel's: a thread cannot send them,
 * so a receiver can trust a message that carries one.
 */
#define LABEL_KERNEL 0xff00u

/*
 * A fault message, sent in the faulting thread's name to its fault endpoint
 * with label FAULT_LABEL. A reply resumes the thread where it faulted.
 */
#define FAULT_LABEL 0xff01u

/*
 * A signal bound to an endpoint (sig_bind) reaches a thread waiting on the
 * endpoint as a message with label SIGNAL_LABEL, the signal's badge set as
 * the badge and the count in word 0. Any number of signals may be bound to
 * one endpoint: each one with a count waits once in the endpoint's FIFO
 * and arrives as a message of its own.
 */
#define SIGNAL_LABEL 0xff02u
enum fault_kind {
	FAULT_PAGE = 1,       /* addr: the address; error: x86 error code */
	FAULT_DIVIDE = 2,     /* division by zero or overflow */
	FAULT_PRIVILEGED = 3, /* privileged instruction or protection */
	FAULT_INVALID = 4,    /* invalid instruction */
	FAULT_DEBUG = 5,      /* breakpoint */
	FAULT_OTHER = 6,      /* any other exception; error: the vector */
};
enum fault_word {
	FAULT_W_KIND = 0,
	FAULT_W_ADDR = 1,
	FAULT_W_IP = 2,
	FAULT_W_ERROR = 3,
	FAULT_W_SP = 4,
	FAULT_WORDS = 5,
};

/* kinfo() queries. */
enum kinfo_what {
	KINFO_TSC_KHZ = 1, /* TSC frequency */
	KINFO_TICKS = 2,   /* scheduler ticks since boot */
	KINFO_TICK_US = 3, /* microseconds per scheduler tick */
	KINFO_QUANTUM = 4, /* ticks per round-robin quantum */
	KINFO_PERIOD = 5,  /* ticks per CPU-quota period */
	KINFO_CAPS = 6,    /* slots in the caller's capability space */
};

/* Scheduling: priorities 0 (lowest) to PRIORITY_MAX; quota in per mille. */
#define PRIORITY_MAX 15u
#define QUOTA_FULL 1000u

/*
 * Boot information, mapped read-only into the root task at BOOT_INFO_VA.
 * Physical memory that is listed as free here belongs to the root task;
 * everything else (kernel, modules, the root task's own pages) does not.
 */
#define BOOT_INFO_MAGIC 0xb01dface0b007ull
#define BOOT_MEM_MAX 32u
#define BOOT_MOD_MAX 32u
#define BOOT_NAME_MAX 48u
#define BOOT_CMDLINE_MAX 256u

struct boot_mem {
	uint64_t base, size;
};

struct boot_module {
	uint64_t base, size;
	char name[BOOT_NAME_MAX];
};

struct boot_fb {
	uint64_t base; /* 0: none */
	uint32_t width, height, pitch, bpp;
};

struct boot_info {
	uint64_t magic;
	uint64_t tsc_khz;
	uint32_t nfree, nmods;
	struct boot_mem free[BOOT_MEM_MAX]; /* RAM the root task owns */
	uint32_t nram;
	struct boot_mem ram[BOOT_MEM_MAX];     /* all RAM, used or not */
	struct boot_module mods[BOOT_MOD_MAX]; /* [0] is the root task */
	struct boot_fb fb;                     /* GRUB's frame buffer, if any */
	uint8_t rsdp[36];     /* copy of the ACPI RSDP, or zeros */
	uint32_t caps;        /* slots in the root task's space */
	uint64_t msi_address; /* where an MSI reaches the CPU */
	char cmdline[BOOT_CMDLINE_MAX];
};

_Static_assert(sizeof(struct boot_info) <= 4096, "boot info fits a page");

/*
 * User addresses end here, one page below the canonical boundary: no
 * instruction can sit in the last page, so a syscall's return address
 * (the one after it) is always canonical. sysretq to a non-canonical RCX
 * would fault in ring 0 on Intel CPUs, with the user's stack loaded.
 */
#define USER_TOP 0x00007ffffffff000ull

/* The root task's fixed addresses. */
#define ROOT_INFO_VA 0x7f0000000000ull
#define ROOT_UTCB_VA 0x7f0000001000ull
#define ROOT_STACK_TOP 0x7f0000100000ull
#define ROOT_STACK_PAGES 16u

/* Guest exit through QEMU's isa-debug-exit: write EXIT_BASE + code. */
#define EXIT_PORT 0xf4u
#define EXIT_BASE 0x42u
