; Reads "A B" from stdin, prints A+B. Non-negative or negative decimal integers.
section .bss
    input resb 64
    output resb 24

section .text
    global _start

; parse: rsi = cursor -> rax = value, rsi advanced past the number
parse:
    xor rax, rax
    xor r8, r8              ; negative flag
.skip:
    movzx rcx, byte [rsi]
    cmp rcx, '-'
    jne .notneg
    mov r8, 1
    inc rsi
    jmp .digits
.notneg:
    cmp rcx, '0'
    jb .next
    cmp rcx, '9'
    jbe .digits
.next:
    inc rsi
    jmp .skip
.digits:
    movzx rcx, byte [rsi]
    cmp rcx, '0'
    jb .done
    cmp rcx, '9'
    ja .done
    imul rax, rax, 10
    sub rcx, '0'
    add rax, rcx
    inc rsi
    jmp .digits
.done:
    test r8, r8
    jz .ret
    neg rax
.ret:
    ret

_start:
    xor rax, rax            ; read(0, input, 63)
    xor rdi, rdi
    mov rsi, input
    mov rdx, 63
    syscall
    mov byte [input + rax], 0

    mov rsi, input
    call parse
    mov rbx, rax
    call parse
    add rbx, rax

    ; format rbx in decimal, right to left, ending with a newline
    lea rdi, [output + 23]
    mov byte [rdi], 10
    mov rax, rbx
    xor r9, r9
    test rax, rax
    jns .convert
    neg rax
    mov r9, 1
.convert:
    mov rcx, 10
.loop:
    xor rdx, rdx
    div rcx
    add dl, '0'
    dec rdi
    mov [rdi], dl
    test rax, rax
    jnz .loop
    test r9, r9
    jz .write
    dec rdi
    mov byte [rdi], '-'
.write:
    lea rdx, [output + 24]
    sub rdx, rdi            ; length
    mov rsi, rdi
    mov rax, 1
    mov rdi, 1
    syscall

    mov rax, 60
    xor rdi, rdi
    syscall
