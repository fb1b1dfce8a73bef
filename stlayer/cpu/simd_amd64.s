//go:build amd64 && !purego

#include "textflag.h"

// func r4AVX2(a, b, c, d *complex128, n int, k *r4Consts)
// n even. Two complex128 per register: [re0, im0, re1, im1].
// x·w = x·wr ∓ swap(x)·wi (VFMADDSUB: subtract in even, add in odd lanes).
TEXT ·r4AVX2(SB), NOSPLIT, $0-48
	MOVQ a+0(FP), AX
	MOVQ b+8(FP), BX
	MOVQ c+16(FP), CX
	MOVQ d+24(FP), DX
	MOVQ n+32(FP), SI
	MOVQ k+40(FP), DI
	VBROADCASTSD 0(DI), Y0
	VBROADCASTSD 8(DI), Y1
	VBROADCASTSD 16(DI), Y2
	VBROADCASTSD 24(DI), Y3
	VBROADCASTSD 32(DI), Y4
	VBROADCASTSD 40(DI), Y5
	VBROADCASTSD 48(DI), Y6
	VMOVUPD 64(DI), Y7
	SHLQ $4, SI
	XORQ R8, R8

loop:
	CMPQ R8, SI
	JGE  done
	VMOVUPD (AX)(R8*1), Y8
	VMOVUPD (BX)(R8*1), Y9
	VMOVUPD (CX)(R8*1), Y10
	VMOVUPD (DX)(R8*1), Y11

	// v = b·w2
	VPERMILPD      $5, Y9, Y12
	VMULPD         Y3, Y12, Y12
	VFMADDSUB231PD Y2, Y9, Y12

	// s = c·w1
	VPERMILPD      $5, Y10, Y13
	VMULPD         Y1, Y13, Y13
	VFMADDSUB231PD Y0, Y10, Y13

	// t = d·w3
	VPERMILPD      $5, Y11, Y14
	VMULPD         Y5, Y14, Y14
	VFMADDSUB231PD Y4, Y11, Y14

	VADDPD Y12, Y8, Y9   // a1 = u + v
	VSUBPD Y12, Y8, Y10  // b1 = u − v
	VADDPD Y14, Y13, Y11 // s' = s + t
	VSUBPD Y14, Y13, Y15 // t' = s − t

	// jj = ∓i·t'
	VPERMILPD $5, Y15, Y15
	VXORPD    Y7, Y15, Y15

	VADDPD Y11, Y9, Y12  // a1 + s'
	VSUBPD Y11, Y9, Y13  // a1 − s'
	VADDPD Y15, Y10, Y14 // b1 + jj
	VSUBPD Y15, Y10, Y8  // b1 − jj
	VMULPD Y6, Y12, Y12
	VMULPD Y6, Y13, Y13
	VMULPD Y6, Y14, Y14
	VMULPD Y6, Y8, Y8
	VMOVUPD Y12, (AX)(R8*1)
	VMOVUPD Y14, (BX)(R8*1)
	VMOVUPD Y13, (CX)(R8*1)
	VMOVUPD Y8, (DX)(R8*1)
	ADDQ $32, R8
	JMP  loop

done:
	VZEROUPPER
	RET

// func r4twAVX2(a, b, c, d *complex128, n int, w1, w2, w3 *complex128, mask *[4]float64)
// The radix-4 butterfly of r4AVX2 with one twiddle triple per element
// (w1[i], w2[i], w3[i]) and no output scale. n even.
TEXT ·r4twAVX2(SB), NOSPLIT, $0-72
	MOVQ a+0(FP), AX
	MOVQ b+8(FP), BX
	MOVQ c+16(FP), CX
	MOVQ d+24(FP), DX
	MOVQ n+32(FP), SI
	MOVQ w1+40(FP), R9
	MOVQ w2+48(FP), R10
	MOVQ w3+56(FP), R11
	MOVQ mask+64(FP), DI
	VMOVUPD (DI), Y7
	SHLQ $4, SI
	XORQ R8, R8

twloop:
	CMPQ R8, SI
	JGE  twdone
	VMOVUPD (AX)(R8*1), Y8
	VMOVUPD (BX)(R8*1), Y9
	VMOVUPD (CX)(R8*1), Y10
	VMOVUPD (DX)(R8*1), Y11

	// v = b·w2
	VMOVUPD        (R10)(R8*1), Y0
	VMOVDDUP       Y0, Y1
	VPERMILPD      $15, Y0, Y0
	VPERMILPD      $5, Y9, Y12
	VMULPD         Y0, Y12, Y12
	VFMADDSUB231PD Y1, Y9, Y12

	// s = c·w1
	VMOVUPD        (R9)(R8*1), Y2
	VMOVDDUP       Y2, Y3
	VPERMILPD      $15, Y2, Y2
	VPERMILPD      $5, Y10, Y13
	VMULPD         Y2, Y13, Y13
	VFMADDSUB231PD Y3, Y10, Y13

	// t = d·w3
	VMOVUPD        (R11)(R8*1), Y4
	VMOVDDUP       Y4, Y5
	VPERMILPD      $15, Y4, Y4
	VPERMILPD      $5, Y11, Y14
	VMULPD         Y4, Y14, Y14
	VFMADDSUB231PD Y5, Y11, Y14

	VADDPD Y12, Y8, Y9
	VSUBPD Y12, Y8, Y10
	VADDPD Y14, Y13, Y11
	VSUBPD Y14, Y13, Y15

	VPERMILPD $5, Y15, Y15
	VXORPD    Y7, Y15, Y15

	VADDPD  Y11, Y9, Y12
	VSUBPD  Y11, Y9, Y13
	VADDPD  Y15, Y10, Y14
	VSUBPD  Y15, Y10, Y8
	VMOVUPD Y12, (AX)(R8*1)
	VMOVUPD Y14, (BX)(R8*1)
	VMOVUPD Y13, (CX)(R8*1)
	VMOVUPD Y8, (DX)(R8*1)
	ADDQ    $32, R8
	JMP     twloop

twdone:
	VZEROUPPER
	RET
