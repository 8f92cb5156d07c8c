.section .text.boot,"ax"
.global _start
.type _start, %function
_start:
  ldr sp, =_estack
  ldr r0, =_bss_start
  ldr r1, =_bss_end
  mov r2, #0
1: cmp r0, r1
  strlo r2, [r0], #4
  blo 1b
  bl kernel_main
  mov r1, r0
  ldr r0, =0x18
  ldr r1, =0x20026
  svc 0x123456
  b .
