# Reads two integers with scanf and prints their sum with printf (libc, from main).
        .section .rodata
in:     .string "%ld %ld"
out:    .string "%ld\n"

        .bss
        .align 8
a:      .zero 8
b:      .zero 8

        .text
        .globl main
main:
        subq    $8, %rsp
        leaq    in(%rip), %rdi
        leaq    a(%rip), %rsi
        leaq    b(%rip), %rdx
        xorl    %eax, %eax
        call    scanf
        movq    a(%rip), %rsi
        addq    b(%rip), %rsi
        leaq    out(%rip), %rdi
        xorl    %eax, %eax
        call    printf
        xorl    %eax, %eax
        addq    $8, %rsp
        ret
