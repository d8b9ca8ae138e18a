/*
 * What generic kernel code needs from the x86_64 port: the saved register
 * frame, port and MSR access, the per-CPU block, and the entry points of the
 * port's files (cpu.c, mmu.c, apic.c, console.c, multiboot.c).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <base/io.h>
#include <base/tsc.h>

#include "asm.h"

/* A user thread's registers, in the order entry.S saves them. */
struct regs {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss;
};
_Static_assert(sizeof(struct regs) == FRAME_SIZE, "frame layout");
_Static_assert(__builtin_offsetof(struct regs, vector) == FRAME_VECTOR, "");
_Static_assert(__builtin_offsetof(struct regs, rip) == FRAME_RIP, "");

/* A thread's FPU and SSE state, saved lazily (fxsave format). */
struct fpu {
	_Alignas(16) uint8_t area[512];
};

struct thread;
struct pd;
struct boot_info;

/* Per-CPU block; GS points here while in the kernel. */
struct cpu {
	uint64_t kstack;    /* top of this CPU's kernel stack */
	uint64_t frame_top; /* end of the current thread's frame */
	uint64_t user_rsp;  /* scratch for syscall_entry */
	struct thread *current;
	struct thread *fpu_owner;
	struct pd *io_pd; /* whose I/O bitmap the TSS holds */
	uint64_t fs_base;
	uint64_t gs_base; /* the user's, in KERNEL_GS_BASE while we run */
	uint64_t cr3;
	bool fpu_trap; /* CR0.TS is set */
};
_Static_assert(__builtin_offsetof(struct cpu, kstack) == CPU_KSTACK, "");
_Static_assert(__builtin_offsetof(struct cpu, frame_top) == CPU_FRAME_TOP, "");
_Static_assert(__builtin_offsetof(struct cpu, user_rsp) == CPU_USER_RSP, "");
extern struct cpu cpu0;

#define PAGE_SIZE 4096ull
#define PAGE_MASK (PAGE_SIZE - 1)
/* Vectors: 32 + GSI for the I/O APIC's inputs, the tick, then the MSIs
 * (IRQ_MSI_VECTOR up); 255 is the local APIC's spurious vector. */
#define TIMER_VECTOR 56u
#define VECTORS (IRQ_MSI_VECTOR + IRQ_MSI_COUNT)

static inline void *
phys_to_virt(uint64_t pa)
{
	return (void *)(pa + DIRECT_MAP);
}

static inline uint64_t
virt_to_phys(const void *va)
{
	uint64_t a = (uint64_t)va;

	return a >= KERNEL_VMA ? a - KERNEL_VMA : a - DIRECT_MAP;
}

static inline uint64_t
rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void
wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr"
			 :
			 : "c"(msr), "a"((uint32_t)v),
			 "d"((uint32_t)(v >> 32)));
}

static inline void
cpuid(uint32_t leaf, uint32_t r[4])
{
	__asm__ volatile("cpuid"
			 : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(leaf), "c"(0));
}

/* cpu.c */
void cpu_init(void);
void cpu_switch_to(struct thread *t);
void cpu_thread_init(struct regs *r, struct fpu *f);
void cpu_set_tls(uint64_t base);
void cpu_pd_destroy(struct pd *pd);
int cpu_pd_io(struct pd *pd, uint64_t port, uint64_t count, bool allow,
    uint64_t bitmap);
_Noreturn void exit_to_user(struct regs *r);
_Noreturn void cpu_idle(void);
_Noreturn void cpu_poweroff(unsigned code);

/* mmu.c */
void mmu_init(const struct boot_info *bi);
void mmu_pd_init(struct pd *pd, uint64_t pml4);
int mmu_map(struct pd *pd, uint64_t va, uint64_t pa, unsigned flags);
int mmu_map_table(struct pd *pd, uint64_t va, uint64_t pa);
int mmu_unmap(struct pd *pd, uint64_t va);
void mmu_pd_destroy(struct pd *pd);

/* apic.c */
void apic_init(void);
void apic_eoi(void);
unsigned irq_gsis(void);
void irq_gsi_route(unsigned g, unsigned mode, bool masked);
void irq_gsi_mask(unsigned g, bool masked);
uint64_t apic_msi_address(void);
uint64_t apic_tsc_khz(void);
#define TICK_US 1000u

/* console.c */
void console_init(bool vga_text);
void console_putc(char c);

/* multiboot.c */
void multiboot_parse(uint32_t magic, uint64_t info, struct boot_info *bi,
    bool *vga_text);
