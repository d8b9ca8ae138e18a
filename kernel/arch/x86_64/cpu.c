/*
 * The x86_64 CPU: descriptor tables, the TSS with its I/O bitmap, the
 * syscall MSRs, FPU state switched lazily, switching to a thread, and
 * turning exceptions and interrupts into calls of the generic kernel.
 */
#include "kernel.h"

#define IO_BITMAP_BYTES 8192u

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
	uint8_t iomap[IO_BITMAP_BYTES + 1];
} __attribute__((packed));

struct idt_entry {
	uint16_t off0, sel;
	uint8_t ist, attr;
	uint16_t off1;
	uint32_t off2, zero;
};

struct cpu cpu0;
static struct tss tss;
static uint64_t gdt[7];
static struct idt_entry idt[256];
static _Alignas(16) uint8_t kstack[16384];
static _Alignas(16) uint8_t dfstack[4096], nmistack[4096], mcstack[4096];
static uint64_t nmi_count;
extern uint64_t isr_table[], isr_spurious[];
void syscall_entry(void), isr_nmi(void), isr_mc(void);

/* The boot stack; boot.S sets rsp to kstack_top. */
__asm__(".globl kstack_top\n.set kstack_top, kstack + 16384");

static void
idt_set(unsigned v, uint64_t fn, unsigned dpl, unsigned ist)
{
	idt[v] = (struct idt_entry){
	    .off0 = (uint16_t)fn,
	    .sel = SEL_KCODE,
	    .ist = (uint8_t)ist,
	    .attr = (uint8_t)(0x8e | (dpl << 5)),
	    .off1 = (uint16_t)(fn >> 16),
	    .off2 = (uint32_t)(fn >> 32),
	};
}

static void
tables_init(void)
{
	uint64_t base = (uint64_t)&tss, limit = sizeof(tss) - 1;

	gdt[1] = 0x00af9a000000ffff; /* kernel code */
	gdt[2] = 0x00cf92000000ffff; /* kernel data */
	gdt[3] = 0x00cff2000000ffff; /* user data */
	gdt[4] = 0x00affa000000ffff; /* user code */
	gdt[5] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
	    (0x89ull << 40) | ((limit >> 16) << 48) |
	    (((base >> 24) & 0xff) << 56);
	gdt[6] = base >> 32;
	memset(tss.iomap, 0xff, sizeof(tss.iomap));
	tss.iomap_base = __builtin_offsetof(struct tss, iomap);
	tss.rsp[0] = (uint64_t)kstack + sizeof(kstack);
	tss.ist[0] = (uint64_t)dfstack + sizeof(dfstack);
	tss.ist[1] = (uint64_t)nmistack + sizeof(nmistack);
	tss.ist[2] = (uint64_t)mcstack + sizeof(mcstack);

	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) gdtr = {sizeof(gdt) - 1, (uint64_t)gdt},
				  idtr = {sizeof(idt) - 1, (uint64_t)idt};

	__asm__ volatile("lgdt %0\n"
			 "mov %1, %%ds\n mov %1, %%es\n mov %1, %%ss\n"
			 "pushq %2\n leaq 1f(%%rip), %%rax\n pushq %%rax\n"
			 "lretq\n1:\n"
			 "ltr %w3"
			 :
			 : "m"(gdtr), "r"(SEL_KDATA), "i"(SEL_KCODE),
			 "r"(SEL_TSS)
			 : "rax", "memory");
	for (unsigned v = 0; v < VECTORS; v++)
		idt_set(v, isr_table[v], v == 3 ? 3 : 0, v == 8 ? 1 : 0);
	idt_set(2, (uint64_t)isr_nmi, 0, 2);
	idt_set(18, (uint64_t)isr_mc, 0, 3);
	idt_set(255, isr_spurious[0], 0, 0);
	__asm__ volatile("lidt %0" : : "m"(idtr));
}

void
cpu_init(void)
{
	uint32_t r[4];
	uint64_t cr0, cr4;

	tables_init();
	cpu0.kstack = (uint64_t)kstack + sizeof(kstack);
	cpu0.fpu_trap = true;
	wrmsr(MSR_GS_BASE, (uint64_t)&cpu0);
	wrmsr(MSR_KERNEL_GS_BASE, 0);
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
	wrmsr(MSR_STAR,
	    ((uint64_t)(SEL_UDATA - 8 - 3) << 48) |
		((uint64_t)SEL_KCODE << 32));
	wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
	wrmsr(MSR_FMASK, 0x47700); /* IF, TF, DF, AC, NT */
	/* PAT: entry 1 (PWT) becomes write-combining; the rest stay. */
	wrmsr(MSR_PAT, 0x0007040600070106ull);

	__asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	cr0 = (cr0 & ~(uint64_t)CR0_EM) | CR0_MP | CR0_TS;
	cr4 |= CR4_OSFXSR | CR4_OSXMMEXCPT | CR4_PGE;
	cpuid(7, r);
	if (r[1] & (1u << 7))
		cr4 |= CR4_SMEP;
	if (r[1] & (1u << 20))
		cr4 |= CR4_SMAP;
	__asm__ volatile("mov %0, %%cr0" : : "r"(cr0));
	__asm__ volatile("mov %0, %%cr4" : : "r"(cr4));
	kprintf("cpu: NX %s, SMEP %s, SMAP %s\n",
	    (rdmsr(MSR_EFER) & EFER_NXE) ? "on" : "off",
	    (cr4 & CR4_SMEP) ? "on" : "off", (cr4 & CR4_SMAP) ? "on" : "off");
}

void
cpu_thread_init(struct regs *r, struct fpu *f)
{
	memset(r, 0, sizeof(*r));
	r->cs = SEL_UCODE;
	r->ss = SEL_UDATA;
	r->rflags = 0x202;
	memset(f, 0, sizeof(*f));
	*(uint16_t *)&f->area[0] = 0x37f;   /* x87 control word */
	*(uint32_t *)&f->area[24] = 0x1f80; /* MXCSR */
}

static void
io_load(struct pd *pd)
{
	struct pd *old = cpu0.io_pd;

	if (old)
		memset(tss.iomap + old->io_lo, 0xff, old->io_hi - old->io_lo);
	if (pd && pd->iobitmap)
		memcpy(tss.iomap + pd->io_lo, pd->iobitmap + pd->io_lo,
		    pd->io_hi - pd->io_lo);
	cpu0.io_pd = pd && pd->iobitmap ? pd : NULL;
}

int
cpu_pd_io(struct pd *pd, uint64_t port, uint64_t count, bool allow,
    uint64_t bitmap)
{
	if (port > 0xffff || count > 0x10000 - port)
		return -E_RANGE;
	if (!pd->iobitmap) {
		if (bitmap & PAGE_MASK)
			return -E_INVAL;
		pd->iobitmap = phys_to_virt(bitmap);
		memset(pd->iobitmap, 0xff, IO_BITMAP_BYTES);
	}
	if (cpu0.io_pd == pd)
		io_load(NULL);
	for (uint64_t p = port; p < port + count; p++) {
		if (allow)
			pd->iobitmap[p / 8] &= (uint8_t) ~(1u << (p % 8));
		else
			pd->iobitmap[p / 8] |= (uint8_t)(1u << (p % 8));
	}
	pd->io_lo = IO_BITMAP_BYTES;
	pd->io_hi = 0;
	for (unsigned i = 0; i < IO_BITMAP_BYTES; i++) {
		if (pd->iobitmap[i] != 0xff) {
			if (pd->io_lo > i)
				pd->io_lo = i;
			pd->io_hi = i + 1;
		}
	}
	if (pd->io_lo > pd->io_hi)
		pd->io_lo = pd->io_hi = 0;
	if (current() && current()->pd == pd)
		io_load(pd);
	return 0;
}

void
cpu_pd_destroy(struct pd *pd)
{
	if (cpu0.io_pd == pd)
		io_load(NULL);
}

void
cpu_set_tls(uint64_t base)
{
	if (cpu0.fs_base != base) {
		wrmsr(MSR_FS_BASE, base);
		cpu0.fs_base = base;
	}
}

/* CR0.TS makes the first FPU use of a thread trap, so it can swap in. */
static void
set_ts(bool on)
{
	uint64_t cr0;

	if (cpu0.fpu_trap == on)
		return;
	__asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
	cr0 = on ? cr0 | CR0_TS : cr0 & ~(uint64_t)CR0_TS;
	__asm__ volatile("mov %0, %%cr0" : : "r"(cr0));
	cpu0.fpu_trap = on;
}

HOT void
cpu_switch_to(struct thread *t)
{
	struct pd *pd = t->pd;

	cpu0.current = t;
	cpu0.frame_top = (uint64_t)(&t->regs + 1);
	tss.rsp[0] = cpu0.frame_top;
	if (cpu0.cr3 != pd->pml4) {
		__asm__ volatile("mov %0, %%cr3" : : "r"(pd->pml4) : "memory");
		cpu0.cr3 = pd->pml4;
	}
	if (cpu0.io_pd != pd && (cpu0.io_pd || pd->iobitmap))
		io_load(pd);
	cpu_set_tls(t->fs_base);
	/* The user's GS base waits in KERNEL_GS_BASE until swapgs. */
	if (cpu0.gs_base != t->gs_base) {
		wrmsr(MSR_KERNEL_GS_BASE, t->gs_base);
		cpu0.gs_base = t->gs_base;
	}
	set_ts(cpu0.fpu_owner != t);
}

/* First use of the FPU since the last switch: swap the FPU state in. */
static void
fpu_switch(void)
{
	struct thread *t = current();

	set_ts(false);
	if (cpu0.fpu_owner)
		__asm__ volatile("fxsave64 %0" : "=m"(cpu0.fpu_owner->fpu));
	__asm__ volatile("fxrstor64 %0" : : "m"(t->fpu));
	cpu0.fpu_owner = t;
}

static void
interrupt(unsigned v)
{
	if (v == TIMER_VECTOR)
		sched_tick();
	else if (v < VECTORS)
		irq_raise(v);
	apic_eoi();
}

/* An exception or interrupt that came from user mode. */
void trap_handler(struct regs *r);
void
trap_handler(struct regs *r)
{
	struct thread *t = current();
	uint64_t cr2;

	if (r->vector >= 32) {
		interrupt((unsigned)r->vector);
		sched_exit();
	}
	switch (r->vector) {
	case 7:
		fpu_switch();
		exit_to_user(r);
	case 14:
		__asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
		thread_fault(t, FAULT_PAGE, cr2, r->error);
		break;
	case 0:
		thread_fault(t, FAULT_DIVIDE, r->rip, 0);
		break;
	case 13:
		thread_fault(t, FAULT_PRIVILEGED, r->rip, r->error);
		break;
	case 6:
		thread_fault(t, FAULT_INVALID, r->rip, 0);
		break;
	case 1:
	case 3:
		thread_fault(t, FAULT_DEBUG, r->rip, 0);
		break;
	default:
		thread_fault(t, FAULT_OTHER, r->rip, r->vector);
		break;
	}
	sched_exit();
}

/*
 * Nothing in Bulkhead raises NMIs (no watchdog yet); one from outside is
 * noted and ignored, so that it takes down neither the kernel nor the
 * thread it interrupted.
 */
void nmi_handler(void);
void
nmi_handler(void)
{
	kprintf("kernel: NMI %lu ignored\n", ++nmi_count);
}

/* A machine check means the hardware lost data: stop before using it. */
_Noreturn void mc_handler(void);
void
mc_handler(void)
{
	panic("machine check");
}

/* An exception or interrupt in kernel mode: only interrupts of idle. */
void kernel_trap(struct regs *r);
void
kernel_trap(struct regs *r)
{
	uint64_t cr2;

	if (r->vector >= 32) {
		interrupt((unsigned)r->vector);
		return;
	}
	__asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
	panic("kernel exception %lu at %lx, error %lx, cr2 %lx", r->vector,
	    r->rip, r->error, cr2);
}

void
cpu_idle(void)
{
	struct thread *t;

	cpu0.current = NULL;
	while (!(t = sched_pick()))
		__asm__ volatile("sti; hlt; cli" ::: "memory");
	cpu_switch_to(t);
	exit_to_user(&t->regs);
}

void
cpu_poweroff(unsigned code)
{
	outb(EXIT_PORT, (uint8_t)(EXIT_BASE + code));
	for (;;)
		__asm__ volatile("cli; hlt");
}
