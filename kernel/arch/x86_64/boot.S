/*
 * The first instructions: the multiboot1 and multiboot2 headers, and the
 * 32-bit path into long mode. The loaders leave us in protected mode with
 * paging off, the magic in eax and the boot information in ebx; we map the
 * first GiB twice (identity and at KERNEL_VMA), enable long mode and jump to
 * kmain in the higher half. kmain builds the real page tables.
 */
#include "asm.h"

#define MB1_MAGIC 0x1badb002
#define MB1_FLAGS 0x3			/* page-aligned modules, memory map */
#define MB2_MAGIC 0xe85250d6

	.section .boot, "ax"
	.align 4
mb1_header:
	.long MB1_MAGIC, MB1_FLAGS, -(MB1_MAGIC + MB1_FLAGS)

	.align 8
mb2_header:
	.long MB2_MAGIC, 0, mb2_end - mb2_header
	.long -(MB2_MAGIC + 0 + (mb2_end - mb2_header))
	/* Ask GRUB for a 1024x768x32 frame buffer (optional): on a PC without
	 * a display we drive, fb falls back to it (boot_info.fb). */
	.word 5, 1
	.long 20
	.long 1024, 768, 32
	.long 0					/* tags are 8-aligned */
	.word 0, 0				/* end tag */
	.long 8
mb2_end:

	.code32
	.globl _start
_start:
	cli
	movl %eax, %edi				/* kmain(magic, info) */
	movl %ebx, %esi

	/* Long mode needs PAE, EFER.LME; NX if the CPU has it. */
	movl $0x80000001, %eax
	cpuid
	movl $EFER_LME, %eax
	btl $20, %edx
	jnc 1f
	orl $EFER_NXE, %eax
1:	movl %eax, %ebx
	movl $MSR_EFER, %ecx
	rdmsr
	orl %ebx, %eax
	wrmsr

	movl %cr4, %eax
	orl $CR4_PAE, %eax
	movl %eax, %cr4
	movl $boot_pml4, %eax
	movl %eax, %cr3
	movl %cr0, %eax
	orl $(CR0_PG | CR0_WP), %eax
	movl %eax, %cr0

	lgdt boot_gdtr
	ljmp $8, $long_mode

	.code64
long_mode:
	xorl %eax, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	movl %eax, %fs
	movl %eax, %gs
	movabsq $kstack_top, %rsp
	movabsq $kmain, %rax
	call *%rax
2:	hlt
	jmp 2b

	.align 8
boot_gdt:
	.quad 0
	.quad 0x00af9a000000ffff		/* 64-bit code */
boot_gdtr:
	.word boot_gdtr - boot_gdt - 1
	.long boot_gdt

	/* Boot page tables: 512 2-MiB pages, reached from PML4[0] and [511]. */
	.align 4096
boot_pml4:
	.quad boot_pdpt_low + 3
	.fill 510, 8, 0
	.quad boot_pdpt_high + 3
boot_pdpt_low:
	.quad boot_pd + 3
	.fill 511, 8, 0
boot_pdpt_high:
	.fill 510, 8, 0
	.quad boot_pd + 3
	.quad 0
boot_pd:
	.set i, 0
	.rept 512
	.quad (i << 21) + 0x83			/* present, writable, 2 MiB */
	.set i, i + 1
	.endr

	.section .note.GNU-stack, "", @progbits
