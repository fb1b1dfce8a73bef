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

// cmul loads x and y (two complex128 each), applies the sign masks
// (conjugation) Y13 to x and Y14 to y and leaves x·y in Y3.
#define CMUL2(xoff, yoff) \
	VMOVUPD        (xoff), Y0;  \
	VMOVUPD        (yoff), Y1;  \
	VXORPD         Y13, Y0, Y0; \
	VXORPD         Y14, Y1, Y1; \
	VMOVDDUP       Y0, Y2;      \
	VPERMILPD      $15, Y0, Y0; \
	VPERMILPD      $5, Y1, Y3;  \
	VMULPD         Y0, Y3, Y3;  \
	VFMADDSUB231PD Y1, Y2, Y3

// func cmulAccAVX2(dst, x, y *complex128, n int, k *cmulConsts)
// dst[i] += s·(mx(x[i])·my(y[i])), n even; k = [s, 0, 0, 0, mx[4], my[4]].
TEXT ·cmulAccAVX2(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), AX
	MOVQ y+16(FP), BX
	MOVQ n+24(FP), SI
	MOVQ k+32(FP), DX
	VBROADCASTSD 0(DX), Y12
	VMOVUPD      32(DX), Y13
	VMOVUPD      64(DX), Y14
	SHLQ $4, SI
	XORQ R8, R8

accloop:
	CMPQ R8, SI
	JGE  accdone
	LEAQ (AX)(R8*1), R9
	LEAQ (BX)(R8*1), R10
	CMUL2(R9, R10)
	VMOVUPD     (DI)(R8*1), Y4
	VFMADD231PD Y12, Y3, Y4
	VMOVUPD     Y4, (DI)(R8*1)
	ADDQ        $32, R8
	JMP         accloop

accdone:
	VZEROUPPER
	RET

// func cmulSetAVX2(dst, x, y *complex128, n int, k *cmulConsts)
// dst[i] = s·(mx(x[i])·my(y[i])), n even.
TEXT ·cmulSetAVX2(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), AX
	MOVQ y+16(FP), BX
	MOVQ n+24(FP), SI
	MOVQ k+32(FP), DX
	VBROADCASTSD 0(DX), Y12
	VMOVUPD      32(DX), Y13
	VMOVUPD      64(DX), Y14
	SHLQ $4, SI
	XORQ R8, R8

setloop:
	CMPQ R8, SI
	JGE  setdone
	LEAQ (AX)(R8*1), R9
	LEAQ (BX)(R8*1), R10
	CMUL2(R9, R10)
	VMULPD  Y12, Y3, Y3
	VMOVUPD Y3, (DI)(R8*1)
	ADDQ    $32, R8
	JMP     setloop

setdone:
	VZEROUPPER
	RET

// func dot4AVX2(out *[16]float64, x *complex128, n int, w *float64, stride int)
// out[4k : 4k+4] = Σ_j x[j] ⊙ W_k[j] as two partial pairs, where W_k starts
// at w + k·stride complex elements and holds one (P, Q) pair per j. n even.
TEXT ·dot4AVX2(SB), NOSPLIT, $0-40
	MOVQ out+0(FP), DI
	MOVQ x+8(FP), AX
	MOVQ n+16(FP), SI
	MOVQ w+24(FP), BX
	MOVQ stride+32(FP), CX
	SHLQ $4, CX
	LEAQ (BX)(CX*1), R9
	LEAQ (R9)(CX*1), R10
	LEAQ (R10)(CX*1), R11
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	SHLQ $4, SI
	XORQ R8, R8

dotloop:
	CMPQ        R8, SI
	JGE         dotdone
	VMOVUPD     (AX)(R8*1), Y4
	VFMADD231PD (BX)(R8*1), Y4, Y0
	VFMADD231PD (R9)(R8*1), Y4, Y1
	VFMADD231PD (R10)(R8*1), Y4, Y2
	VFMADD231PD (R11)(R8*1), Y4, Y3
	ADDQ        $32, R8
	JMP         dotloop

dotdone:
	VMOVUPD Y0, 0(DI)
	VMOVUPD Y1, 32(DI)
	VMOVUPD Y2, 64(DI)
	VMOVUPD Y3, 96(DI)
	VZEROUPPER
	RET

// func grad4AVX2(buf *complex128, n int, w *float64, stride int, gk *[4]complex128)
// buf[j] = Σ_k g_k ⊙ W_k[j] (re with P, im with Q). n even.
TEXT ·grad4AVX2(SB), NOSPLIT, $0-40
	MOVQ buf+0(FP), DI
	MOVQ n+8(FP), SI
	MOVQ w+16(FP), BX
	MOVQ stride+24(FP), CX
	MOVQ gk+32(FP), DX
	SHLQ $4, CX
	LEAQ (BX)(CX*1), R9
	LEAQ (R9)(CX*1), R10
	LEAQ (R10)(CX*1), R11
	VBROADCASTF128 0(DX), Y0
	VBROADCASTF128 16(DX), Y1
	VBROADCASTF128 32(DX), Y2
	VBROADCASTF128 48(DX), Y3
	SHLQ $4, SI
	XORQ R8, R8

gradloop:
	CMPQ        R8, SI
	JGE         graddone
	VMULPD      (BX)(R8*1), Y0, Y4
	VFMADD231PD (R9)(R8*1), Y1, Y4
	VFMADD231PD (R10)(R8*1), Y2, Y4
	VFMADD231PD (R11)(R8*1), Y3, Y4
	VMOVUPD     Y4, (DI)(R8*1)
	ADDQ        $32, R8
	JMP         gradloop

graddone:
	VZEROUPPER
	RET
