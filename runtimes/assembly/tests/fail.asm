section .text
    global _start

_start:
    mov rax, no_such_label
    not_an_instruction rax
