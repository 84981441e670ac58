# Reads "A B" from stdin and prints A+B with Linux system calls only (no libc): _start, read, write, exit.
        .bss
input:  .skip 64
output: .skip 24

        .text
        .globl _start

# parse: %rsi = cursor -> %rax = value, %rsi past the number
parse:
        xorq    %rax, %rax
        xorq    %r8, %r8                # negative?
1:      movzbq  (%rsi), %rcx
        cmpq    $'-', %rcx
        jne     2f
        movq    $1, %r8
        incq    %rsi
        jmp     3f
2:      cmpq    $'0', %rcx
        jb      4f
        cmpq    $'9', %rcx
        jbe     3f
4:      incq    %rsi
        jmp     1b
3:      movzbq  (%rsi), %rcx
        cmpq    $'0', %rcx
        jb      5f
        cmpq    $'9', %rcx
        ja      5f
        imulq   $10, %rax
        subq    $'0', %rcx
        addq    %rcx, %rax
        incq    %rsi
        jmp     3b
5:      testq   %r8, %r8
        jz      6f
        negq    %rax
6:      ret

_start:
        xorl    %eax, %eax              # read(0, input, 63)
        xorl    %edi, %edi
        leaq    input(%rip), %rsi
        movl    $63, %edx
        syscall
        leaq    input(%rip), %rsi
        movb    $0, (%rsi,%rax)
        call    parse
        movq    %rax, %rbx
        call    parse
        addq    %rax, %rbx

        leaq    output+23(%rip), %rdi   # decimal, right to left, then a newline
        movb    $10, (%rdi)
        movq    %rbx, %rax
        xorq    %r9, %r9
        testq   %rax, %rax
        jns     7f
        negq    %rax
        movq    $1, %r9
7:      movq    $10, %rcx
8:      xorq    %rdx, %rdx
        divq    %rcx
        addb    $'0', %dl
        decq    %rdi
        movb    %dl, (%rdi)
        testq   %rax, %rax
        jnz     8b
        testq   %r9, %r9
        jz      9f
        decq    %rdi
        movb    $'-', (%rdi)
9:      leaq    output+24(%rip), %rdx   # write(1, rdi, end - rdi)
        subq    %rdi, %rdx
        movq    %rdi, %rsi
        movl    $1, %eax
        movl    $1, %edi
        syscall
        movl    $60, %eax               # exit(0)
        xorl    %edi, %edi
        syscall
