/* A component's first instruction: the stack and the argument (rdi) come
 * from whoever started the thread; main's return value goes to component_exit. */
	.section .text.start, "ax"
	.globl _start
_start:
	xorl %ebp, %ebp
	andq $-16, %rsp
	call main
	movl %eax, %edi
	call component_exit
	ud2

	.section .note.GNU-stack, "", @progbits
