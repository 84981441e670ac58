        .text
        .globl main
main:
        movq    no_such_symbol(%rip), %rax
        not_an_instruction %rax
