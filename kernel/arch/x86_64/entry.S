/*
 * Kernel entries and the exit to user mode. The kernel has one stack per
 * CPU and keeps no state on it between entries: a user thread's registers
 * are saved straight into its thread object (TSS.rsp0 and CPU_FRAME_TOP
 * point at the end of the current thread's frame), so switching threads is
 * choosing which frame exit_to_user restores.
 */
#include "asm.h"
#include <kernel_syscalls.h>

.macro PUSH_GPRS
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
.endm

.macro POP_GPRS
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
.endm

	.text
/* syscall: rcx holds the user rip, r11 the user rflags, rsp is the user's. */
	.globl syscall_entry
syscall_entry:
	swapgs
	movq %rsp, %gs:CPU_USER_RSP
	movq %gs:CPU_FRAME_TOP, %rsp
	pushq $SEL_UDATA
	pushq %gs:CPU_USER_RSP
	pushq %r11
	pushq $SEL_UCODE
	pushq %rcx
	pushq $0
	pushq $VECTOR_SYSCALL
	PUSH_GPRS
	movq %rsp, %rdi
	movq %gs:CPU_KSTACK, %rsp
	/* ipc_call and ipc_reply_wait try the fast path first. */
	leaq -SYS_IPC_CALL(%rax), %rdx
	cmpq $SYS_IPC_REPLY_WAIT - SYS_IPC_CALL, %rdx
	ja 1f
	movq %rdi, %rbx		/* the user's rbx is saved in the frame */
	call ipc_fastpath
	movq %rbx, %rdi
1:	call syscall_handler
	ud2

/* exit_to_user(frame): restore a thread's frame and leave the kernel. */
	.globl exit_to_user
exit_to_user:
	movq %rdi, %rsp
	cmpq $VECTOR_SYSCALL, FRAME_VECTOR(%rsp)
	jne 1f
	POP_GPRS
	movq 16(%rsp), %rcx
	movq 32(%rsp), %r11
	movq 40(%rsp), %rsp
	swapgs
	sysretq
1:	POP_GPRS
	addq $16, %rsp
	swapgs
	iretq

/* Exceptions and interrupts. From user mode the CPU has pushed its frame at
 * TSS.rsp0, the end of the current thread's frame. */
isr_common:
	testb $3, 24(%rsp)
	jz 1f
	swapgs
	PUSH_GPRS
	movq %rsp, %rdi
	movq %gs:CPU_KSTACK, %rsp
	call trap_handler
	ud2
	/* From kernel mode: only the idle loop may be interrupted. */
1:	PUSH_GPRS
	movq %rsp, %rdi
	call kernel_trap
	POP_GPRS
	addq $16, %rsp
	iretq

/*
 * NMI and machine check come on IST stacks of their own (cpu.c), wherever
 * they hit: user mode, the kernel, or syscall_entry before it has switched
 * off the user's stack or swapped GS. So they use neither GS nor the
 * thread's frame. An NMI is counted and returns; a machine check panics.
 */
	.globl isr_nmi
isr_nmi:
	PUSH_GPRS
	call nmi_handler
	POP_GPRS
	iretq

	.globl isr_mc
isr_mc:
	subq $8, %rsp
	call mc_handler
	ud2

.macro ISR vec
isr_\vec:
	.if (\vec == 8) || (\vec >= 10 && \vec <= 14) || (\vec == 17) || (\vec == 21)
	.else
	pushq $0
	.endif
	pushq $\vec
	jmp isr_common
.endm

.altmacro
.macro ISR_N n
	ISR %n
.endm
.macro ISR_ADDR n
	.quad isr_\n
.endm
.macro ISR_TABLE_ENTRY n
	ISR_ADDR %n
.endm

	.set v, 0
	.rept 128
	ISR_N v
	.set v, v + 1
	.endr
	ISR 255

	.section .rodata
	.globl isr_table
isr_table:
	.set v, 0
	.rept 128
	ISR_TABLE_ENTRY v
	.set v, v + 1
	.endr
	.globl isr_spurious
isr_spurious:
	.quad isr_255

	.section .note.GNU-stack, "", @progbits
