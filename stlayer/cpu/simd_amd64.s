//go:build amd64 && !purego

#include "textflag.h"

// Shared pieces. Two complex128 per register: [re0, im0, re1, im1].
//
// CMULW: dst = x·w, where wr, wi hold w's real and imaginary parts in every
// lane: x·w = x·wr ∓ swap(x)·wi (VFMADDSUB: subtract in even, add in odd
// lanes).
#define CMULW(x, wr, wi, dst) \
	VPERMILPD      $5, x, dst; \
	VMULPD         wi, dst, dst; \
	VFMADDSUB231PD wr, x, dst

// WLOAD: loads two complex twiddles from mem as their real parts (wr) and
// imaginary parts (wi), each repeated in its pair of lanes, for CMULW.
#define WLOAD(mem, wr, wi) \
	VMOVUPD   mem, wi;     \
	VMOVDDUP  wi, wr;      \
	VPERMILPD $15, wi, wi

// R4COMBINE: the radix-4 combination of u (Y8), v (Y12), s (Y13) and t (Y14)
// with the ∓i sign mask in Y7: a1 = u+v, b1 = u−v, s' = s+t, t' = s−t,
// jj = ∓i·t'; leaves a1+s' in Y12, b1+jj in Y14, a1−s' in Y13, b1−jj in Y8.
#define R4COMBINE \
	VADDPD    Y12, Y8, Y9;  \
	VSUBPD    Y12, Y8, Y10; \
	VADDPD    Y14, Y13, Y11; \
	VSUBPD    Y14, Y13, Y15; \
	VPERMILPD $5, Y15, Y15; \
	VXORPD    Y7, Y15, Y15; \
	VADDPD    Y11, Y9, Y12; \
	VSUBPD    Y11, Y9, Y13; \
	VADDPD    Y15, Y10, Y14; \
	VSUBPD    Y15, Y10, Y8

// func r4AVX2(a, b, c, d, oa, ob, oc, od *complex128, n int, k *r4Consts)
// n even. Two complex128 per register: [re0, im0, re1, im1].
// x·w = x·wr ∓ swap(x)·wi (VFMADDSUB: subtract in even, add in odd lanes).
// Inputs a, b·w2, c·w1, d·w3; outputs oa = a1+s', ob = b1+jj, oc = a1−s',
// od = b1−jj, all times the scale (in place: the outputs are the inputs).
TEXT ·r4AVX2(SB), NOSPLIT, $0-80
	MOVQ a+0(FP), AX
	MOVQ b+8(FP), BX
	MOVQ c+16(FP), CX
	MOVQ d+24(FP), DX
	MOVQ oa+32(FP), R10
	MOVQ ob+40(FP), R11
	MOVQ oc+48(FP), R12
	MOVQ od+56(FP), R13
	MOVQ n+64(FP), SI
	MOVQ k+72(FP), DI
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

	CMULW(Y9, Y2, Y3, Y12)  // v = b·w2
	CMULW(Y10, Y0, Y1, Y13) // s = c·w1
	CMULW(Y11, Y4, Y5, Y14) // t = d·w3
	R4COMBINE
	VMULPD  Y6, Y12, Y12
	VMULPD  Y6, Y13, Y13
	VMULPD  Y6, Y14, Y14
	VMULPD  Y6, Y8, Y8
	VMOVUPD Y12, (R10)(R8*1)
	VMOVUPD Y14, (R11)(R8*1)
	VMOVUPD Y13, (R12)(R8*1)
	VMOVUPD Y8, (R13)(R8*1)
	ADDQ    $32, R8
	JMP     loop

done:
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

// func cmulAVX2(dst, x, y *complex128, n int, k *cmulConsts, add int)
// dst[i] = s·(mx(x[i])·my(y[i])), or += with add = 1; n even;
// k = [s, 0, 0, 0, mx[4], my[4]].
TEXT ·cmulAVX2(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), AX
	MOVQ y+16(FP), BX
	MOVQ n+24(FP), SI
	MOVQ k+32(FP), DX
	MOVQ add+40(FP), CX
	VBROADCASTSD 0(DX), Y12
	VMOVUPD      32(DX), Y13
	VMOVUPD      64(DX), Y14
	SHLQ $4, SI
	XORQ R8, R8
	TESTQ CX, CX
	JNE   accloop

setloop:
	CMPQ R8, SI
	JGE  cmdone
	LEAQ (AX)(R8*1), R9
	LEAQ (BX)(R8*1), R10
	CMUL2(R9, R10)
	VMULPD  Y12, Y3, Y3
	VMOVUPD Y3, (DI)(R8*1)
	ADDQ    $32, R8
	JMP     setloop

accloop:
	CMPQ R8, SI
	JGE  cmdone
	LEAQ (AX)(R8*1), R9
	LEAQ (BX)(R8*1), R10
	CMUL2(R9, R10)
	VMOVUPD     (DI)(R8*1), Y4
	VFMADD231PD Y12, Y3, Y4
	VMOVUPD     Y4, (DI)(R8*1)
	ADDQ        $32, R8
	JMP         accloop

cmdone:
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

// func axpyRealAVX2(d, x *complex128, f *float64, n int, s float64)
// d[i] += s·f[i]·x[i] (f real), n even.
TEXT ·axpyRealAVX2(SB), NOSPLIT, $0-40
	MOVQ d+0(FP), DI
	MOVQ x+8(FP), AX
	MOVQ f+16(FP), BX
	MOVQ n+24(FP), SI
	VBROADCASTSD s+32(FP), Y6
	SHLQ $4, SI
	XORQ R8, R8
	XORQ R9, R9

axloop:
	CMPQ           R8, SI
	JGE            axdone
	VBROADCASTF128 (BX)(R9*1), Y0
	VPERMILPD      $12, Y0, Y0
	VMULPD         Y6, Y0, Y0
	VMOVUPD        (AX)(R8*1), Y1
	VMOVUPD        (DI)(R8*1), Y2
	VFMADD231PD    Y1, Y0, Y2
	VMOVUPD        Y2, (DI)(R8*1)
	ADDQ           $32, R8
	ADDQ           $16, R9
	JMP            axloop

axdone:
	VZEROUPPER
	RET

// R3CORE: from x0 (Y8), x1 (Y9), x2 (Y10) and the rotation constant Y7 =
// [sg·sin60, −sg·sin60, …] and Y6 = 0.5, leaves y0 = x0 + x1 + x2 in Y11,
// y1 = t2 + t3 in Y12, y2 = t2 − t3 in Y13 (t1 = x1 + x2, t2 = x0 − t1/2,
// t3 = ∓i·sin60·(x1 − x2)).
#define R3CORE \
	VADDPD      Y10, Y9, Y11;  \
	VSUBPD      Y10, Y9, Y12;  \
	VMOVAPD     Y8, Y13;       \
	VFNMADD231PD Y6, Y11, Y13; \
	VADDPD      Y11, Y8, Y11;  \
	VPERMILPD   $5, Y12, Y12;  \
	VMULPD      Y7, Y12, Y12;  \
	VSUBPD      Y12, Y13, Y14; \
	VADDPD      Y12, Y13, Y12; \
	VMOVAPD     Y14, Y13

// func r3stAVX2(a, b, c, o0, o1, o2 *complex128, n int, k *[12]float64)
// Stockham radix-3 stage: x1 = b·w1, x2 = c·w2 (k[0..3] = w1r, w1i, w2r,
// w2i), k[4..7] = rotation constant, k[8] = 0.5. n even.
TEXT ·r3stAVX2(SB), NOSPLIT, $0-64
	MOVQ a+0(FP), AX
	MOVQ b+8(FP), BX
	MOVQ c+16(FP), CX
	MOVQ o0+24(FP), R10
	MOVQ o1+32(FP), R11
	MOVQ o2+40(FP), R12
	MOVQ n+48(FP), SI
	MOVQ k+56(FP), DI
	VBROADCASTSD 0(DI), Y0
	VBROADCASTSD 8(DI), Y1
	VBROADCASTSD 16(DI), Y2
	VBROADCASTSD 24(DI), Y3
	VMOVUPD      32(DI), Y7
	VBROADCASTSD 64(DI), Y6
	SHLQ $4, SI
	XORQ R8, R8

r3sloop:
	CMPQ    R8, SI
	JGE     r3sdone
	VMOVUPD (AX)(R8*1), Y8
	VMOVUPD (BX)(R8*1), Y4
	VMOVUPD (CX)(R8*1), Y5
	CMULW(Y4, Y0, Y1, Y9)
	CMULW(Y5, Y2, Y3, Y10)
	R3CORE
	VMOVUPD Y11, (R10)(R8*1)
	VMOVUPD Y12, (R11)(R8*1)
	VMOVUPD Y13, (R12)(R8*1)
	ADDQ    $32, R8
	JMP     r3sloop

r3sdone:
	VZEROUPPER
	RET

// func r3difAVX2(a, b, c *complex128, n int, w1, w2 *complex128, k *[12]float64)
// In-place radix-3 decimation in frequency: (a, b, c) ← (y0, y1·w1[i],
// y2·w2[i]) with per-element twiddles; k as r3stAVX2 (k[0..3] unused).
TEXT ·r3difAVX2(SB), NOSPLIT, $0-56
	MOVQ a+0(FP), AX
	MOVQ b+8(FP), BX
	MOVQ c+16(FP), CX
	MOVQ n+24(FP), SI
	MOVQ w1+32(FP), R10
	MOVQ w2+40(FP), R11
	MOVQ k+48(FP), DI
	VMOVUPD      32(DI), Y7
	VBROADCASTSD 64(DI), Y6
	SHLQ $4, SI
	XORQ R8, R8

r3dloop:
	CMPQ      R8, SI
	JGE       r3ddone
	VMOVUPD   (AX)(R8*1), Y8
	VMOVUPD   (BX)(R8*1), Y9
	VMOVUPD   (CX)(R8*1), Y10
	R3CORE
	WLOAD((R10)(R8*1), Y1, Y0)
	CMULW(Y12, Y1, Y0, Y4)
	WLOAD((R11)(R8*1), Y3, Y2)
	CMULW(Y13, Y3, Y2, Y5)
	VMOVUPD   Y11, (AX)(R8*1)
	VMOVUPD   Y4, (BX)(R8*1)
	VMOVUPD   Y5, (CX)(R8*1)
	ADDQ      $32, R8
	JMP       r3dloop

r3ddone:
	VZEROUPPER
	RET

// func r2stAVX2(a, b, o0, o1 *complex128, n int, w *[2]float64)
// o0 = a + b·w, o1 = a − b·w. n even.
TEXT ·r2stAVX2(SB), NOSPLIT, $0-48
	MOVQ a+0(FP), AX
	MOVQ b+8(FP), BX
	MOVQ o0+16(FP), R10
	MOVQ o1+24(FP), R11
	MOVQ n+32(FP), SI
	MOVQ w+40(FP), DI
	VBROADCASTSD 0(DI), Y0
	VBROADCASTSD 8(DI), Y1
	SHLQ $4, SI
	XORQ R8, R8

r2loop:
	CMPQ    R8, SI
	JGE     r2done
	VMOVUPD (AX)(R8*1), Y8
	VMOVUPD (BX)(R8*1), Y4
	CMULW(Y4, Y0, Y1, Y9)
	VADDPD  Y9, Y8, Y10
	VSUBPD  Y9, Y8, Y11
	VMOVUPD Y10, (R10)(R8*1)
	VMOVUPD Y11, (R11)(R8*1)
	ADDQ    $32, R8
	JMP     r2loop

r2done:
	VZEROUPPER
	RET

// func sumAbsAVX2(x *complex128, n int) (s1, s2 float64)
// s1 = Σ|x|, s2 = Σ|x|², n multiple of 4.
TEXT ·sumAbsAVX2(SB), NOSPLIT, $0-32
	MOVQ   x+0(FP), AX
	MOVQ   n+8(FP), SI
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	SHLQ   $4, SI
	XORQ   R8, R8

saloop:
	CMPQ    R8, SI
	JGE     sadone
	VMOVUPD (AX)(R8*1), Y2
	VMOVUPD 32(AX)(R8*1), Y3
	VMULPD  Y2, Y2, Y2
	VMULPD  Y3, Y3, Y3
	VHADDPD Y3, Y2, Y4
	VADDPD  Y4, Y1, Y1
	VSQRTPD Y4, Y4
	VADDPD  Y4, Y0, Y0
	ADDQ    $64, R8
	JMP     saloop

sadone:
	VEXTRACTF128 $1, Y0, X2
	VADDPD       X2, X0, X0
	VHADDPD      X0, X0, X0
	VEXTRACTF128 $1, Y1, X3
	VADDPD       X3, X1, X1
	VHADDPD      X1, X1, X1
	VZEROUPPER
	MOVSD X0, s1+16(FP)
	MOVSD X1, s2+24(FP)
	RET

// func absPackAVX2(row, zs *complex128, n int, im int)
// Writes |zs[k]| into Re row[k] (im = 0: row[k] = |zs[k]| + 0i) or into
// Im row[k] keeping Re row[k] (im = 1). n multiple of 4.
TEXT ·absPackAVX2(SB), NOSPLIT, $0-32
	MOVQ   row+0(FP), DI
	MOVQ   zs+8(FP), AX
	MOVQ   n+16(FP), SI
	MOVQ   im+24(FP), DX
	VXORPD Y7, Y7, Y7
	SHLQ   $4, SI
	XORQ   R8, R8

aploop:
	CMPQ    R8, SI
	JGE     apdone
	VMOVUPD (AX)(R8*1), Y2
	VMOVUPD 32(AX)(R8*1), Y3
	VMULPD  Y2, Y2, Y2
	VMULPD  Y3, Y3, Y3
	VHADDPD Y3, Y2, Y4
	VSQRTPD Y4, Y4       // [v0, v2, v1, v3]
	TESTQ   DX, DX
	JNE     apim
	VUNPCKLPD Y7, Y4, Y5 // [v0, 0, v1, 0]
	VUNPCKHPD Y7, Y4, Y6 // [v2, 0, v3, 0]
	VMOVUPD   Y5, (DI)(R8*1)
	VMOVUPD   Y6, 32(DI)(R8*1)
	ADDQ      $64, R8
	JMP       aploop

apim:
	VUNPCKLPD Y4, Y7, Y5 // [0, v0, 0, v1]
	VUNPCKHPD Y4, Y7, Y6 // [0, v2, 0, v3]
	VMOVUPD   (DI)(R8*1), Y2
	VMOVUPD   32(DI)(R8*1), Y3
	VBLENDPD  $10, Y5, Y2, Y5
	VBLENDPD  $10, Y6, Y3, Y6
	VMOVUPD   Y5, (DI)(R8*1)
	VMOVUPD   Y6, 32(DI)(R8*1)
	ADDQ      $64, R8
	JMP       aploop

apdone:
	VZEROUPPER
	RET

// func absGradAVX2(d, x, gp *complex128, n int, gc float64, mode int)
// d[i] (=, or += when mode&1) s_i·x[i] with s_i = c_i/|x[i]| (0 where
// x[i] = 0), c_i = Re g[i] (mode&2 == 0) or the constant gc (mode&2). n even.
TEXT ·absGradAVX2(SB), NOSPLIT, $0-48
	MOVQ         d+0(FP), DI
	MOVQ         x+8(FP), AX
	MOVQ         gp+16(FP), BX
	MOVQ         n+24(FP), SI
	VBROADCASTSD gc+32(FP), Y6
	MOVQ         mode+40(FP), DX
	VXORPD       Y7, Y7, Y7
	SHLQ         $4, SI
	XORQ         R8, R8

agloop:
	CMPQ      R8, SI
	JGE       agdone
	VMOVUPD   (AX)(R8*1), Y0
	VMULPD    Y0, Y0, Y1
	VPERMILPD $5, Y1, Y2
	VADDPD    Y2, Y1, Y1     // [m0, m0, m1, m1]
	VCMPPD    $0, Y7, Y1, Y3 // m == 0
	VSQRTPD   Y1, Y1
	VMOVAPD   Y6, Y4
	TESTQ     $2, DX
	JNE       agconst
	VMOVUPD   (BX)(R8*1), Y4
	VMOVDDUP  Y4, Y4         // [g0r, g0r, g1r, g1r]

agconst:
	VDIVPD  Y1, Y4, Y4
	VANDNPD Y4, Y3, Y4
	VMULPD  Y0, Y4, Y4
	TESTQ   $1, DX
	JEQ     agstore
	VADDPD  (DI)(R8*1), Y4, Y4

agstore:
	VMOVUPD Y4, (DI)(R8*1)
	ADDQ    $32, R8
	JMP     agloop

agdone:
	VZEROUPPER
	RET

// func absDot4AVX2(out *[16]float64, x *complex128, n int, m0, m1, m2, m3 *float64)
// out[4k : 4k+4] = partial sums of Σ_j |x[j]|·m_k[j]; n multiple of 4.
TEXT ·absDot4AVX2(SB), NOSPLIT, $0-56
	MOVQ   out+0(FP), DI
	MOVQ   x+8(FP), AX
	MOVQ   n+16(FP), SI
	MOVQ   m0+24(FP), R9
	MOVQ   m1+32(FP), R10
	MOVQ   m2+40(FP), R11
	MOVQ   m3+48(FP), R12
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	XORQ   R8, R8 // complex index
	XORQ   BX, BX // byte offset into x

adloop:
	CMPQ        R8, SI
	JGE         addone
	VMOVUPD     (AX)(BX*1), Y4
	VMOVUPD     32(AX)(BX*1), Y5
	VMULPD      Y4, Y4, Y4
	VMULPD      Y5, Y5, Y5
	VHADDPD     Y5, Y4, Y6
	VSQRTPD     Y6, Y6             // [v0, v2, v1, v3]
	VPERMPD     $0xD8, (R9)(R8*8), Y7
	VFMADD231PD Y7, Y6, Y0
	VPERMPD     $0xD8, (R10)(R8*8), Y7
	VFMADD231PD Y7, Y6, Y1
	VPERMPD     $0xD8, (R11)(R8*8), Y7
	VFMADD231PD Y7, Y6, Y2
	VPERMPD     $0xD8, (R12)(R8*8), Y7
	VFMADD231PD Y7, Y6, Y3
	ADDQ        $4, R8
	ADDQ        $64, BX
	JMP         adloop

addone:
	VMOVUPD Y0, 0(DI)
	VMOVUPD Y1, 32(DI)
	VMOVUPD Y2, 64(DI)
	VMOVUPD Y3, 96(DI)
	VZEROUPPER
	RET

// func prodDot4AVX2(out *[16]float64, x, y *complex128, n int, w *complex128, stride int, k *cmulConsts)
// out[4k : 4k+4] += partial sums of Σ_j (s·mx(x[j])·my(y[j])) ⊙ W_k[j], W_k
// at w + k·stride (folded (P, Q) pairs, see fold4). n even.
TEXT ·prodDot4AVX2(SB), NOSPLIT, $0-56
	MOVQ out+0(FP), DI
	MOVQ x+8(FP), AX
	MOVQ y+16(FP), BX
	MOVQ n+24(FP), SI
	MOVQ w+32(FP), R9
	MOVQ stride+40(FP), CX
	MOVQ k+48(FP), DX
	VBROADCASTSD 0(DX), Y12
	VMOVUPD      32(DX), Y13
	VMOVUPD      64(DX), Y14
	SHLQ $4, CX
	LEAQ (R9)(CX*1), R10
	LEAQ (R10)(CX*1), R11
	LEAQ (R11)(CX*1), R12
	VMOVUPD 0(DI), Y8
	VMOVUPD 32(DI), Y9
	VMOVUPD 64(DI), Y10
	VMOVUPD 96(DI), Y11
	SHLQ $4, SI
	XORQ R8, R8

pdloop:
	CMPQ        R8, SI
	JGE         pddone
	LEAQ        (AX)(R8*1), R13
	LEAQ        (BX)(R8*1), R14
	CMUL2(R13, R14)
	VMULPD      Y12, Y3, Y3
	VFMADD231PD (R9)(R8*1), Y3, Y8
	VFMADD231PD (R10)(R8*1), Y3, Y9
	VFMADD231PD (R11)(R8*1), Y3, Y10
	VFMADD231PD (R12)(R8*1), Y3, Y11
	ADDQ        $32, R8
	JMP         pdloop

pddone:
	VMOVUPD Y8, 0(DI)
	VMOVUPD Y9, 32(DI)
	VMOVUPD Y10, 64(DI)
	VMOVUPD Y11, 96(DI)
	VZEROUPPER
	RET

// CMULR: Y15 = x·y for x in Y10, y in Y11 (clobbers Y13, Y14).
#define CMULR \
	VMOVDDUP       Y10, Y13;     \
	VPERMILPD      $15, Y10, Y14; \
	VPERMILPD      $5, Y11, Y15; \
	VMULPD         Y14, Y15, Y15; \
	VFMADDSUB231PD Y11, Y13, Y15

// func prodGradAVX2(da, db, a, b, w *complex128, stride, n int, gk *[4]complex128, k *[20]float64)
// With g_j = s·Σ_k gk_k ⊙ W_k[j] (W_k at w + k·stride, folded pairs):
// da[j] += m1(g_j)·m2(b[j]), db[j] += m3(g_j)·m4(a[j]), mi sign masks
// (conjugation) at k[4+4(i−1)…]; k[0] = s. n even.
TEXT ·prodGradAVX2(SB), NOSPLIT, $0-72
	MOVQ da+0(FP), DI
	MOVQ db+8(FP), R13
	MOVQ a+16(FP), AX
	MOVQ b+24(FP), BX
	MOVQ w+32(FP), R9
	MOVQ stride+40(FP), CX
	MOVQ n+48(FP), SI
	MOVQ gk+56(FP), DX
	MOVQ k+64(FP), R14
	SHLQ $4, CX
	LEAQ (R9)(CX*1), R10
	LEAQ (R10)(CX*1), R11
	LEAQ (R11)(CX*1), R12
	VBROADCASTF128 0(DX), Y0
	VBROADCASTF128 16(DX), Y1
	VBROADCASTF128 32(DX), Y2
	VBROADCASTF128 48(DX), Y3
	VBROADCASTSD   0(R14), Y4
	VMOVUPD        32(R14), Y5
	VMOVUPD        64(R14), Y6
	VMOVUPD        96(R14), Y7
	VMOVUPD        128(R14), Y8
	SHLQ $4, SI
	XORQ R8, R8

pgloop:
	CMPQ        R8, SI
	JGE         pgdone
	VMULPD      (R9)(R8*1), Y0, Y9
	VFMADD231PD (R10)(R8*1), Y1, Y9
	VFMADD231PD (R11)(R8*1), Y2, Y9
	VFMADD231PD (R12)(R8*1), Y3, Y9
	VMULPD      Y4, Y9, Y9

	// da += m1(g)·m2(b)
	VXORPD  Y5, Y9, Y10
	VMOVUPD (BX)(R8*1), Y11
	VXORPD  Y6, Y11, Y11
	CMULR
	VADDPD  (DI)(R8*1), Y15, Y15
	VMOVUPD Y15, (DI)(R8*1)

	// db += m3(g)·m4(a)
	VXORPD  Y7, Y9, Y10
	VMOVUPD (AX)(R8*1), Y11
	VXORPD  Y8, Y11, Y11
	CMULR
	VADDPD  (R13)(R8*1), Y15, Y15
	VMOVUPD Y15, (R13)(R8*1)
	ADDQ    $32, R8
	JMP     pgloop

pgdone:
	VZEROUPPER
	RET

// func chunksAVX2(d *complex128, dstep int, x *complex128, xstep int, f *float64, w, nchunks int, s float64)
// For each chunk c < nchunks and t < w: d[c·dstep·w + t] += s·f[c·w+t]·x[c·xstep·w + t]
// (dstep, xstep ∈ {0, 1}: a chunk-reused accumulator or operand). w even.
TEXT ·chunksAVX2(SB), NOSPLIT, $0-64
	MOVQ         d+0(FP), DI
	MOVQ         dstep+8(FP), R11
	MOVQ         x+16(FP), AX
	MOVQ         xstep+24(FP), R12
	MOVQ         f+32(FP), BX
	MOVQ         w+40(FP), SI
	MOVQ         nchunks+48(FP), CX
	VBROADCASTSD s+56(FP), Y6
	SHLQ         $4, SI // bytes per chunk of x and d
	IMULQ        SI, R11
	IMULQ        SI, R12
	MOVQ         SI, R10
	SHRQ         $1, R10 // bytes per chunk of f

chchunk:
	TESTQ CX, CX
	JEQ   chdone
	XORQ  R8, R8 // byte offset in the chunk (complex)
	XORQ  R9, R9 // byte offset in the chunk (float)

chloop:
	CMPQ           R8, SI
	JGE            chnext
	VBROADCASTF128 (BX)(R9*1), Y0
	VPERMILPD      $12, Y0, Y0
	VMULPD         Y6, Y0, Y0
	VMOVUPD        (AX)(R8*1), Y1
	VMOVUPD        (DI)(R8*1), Y2
	VFMADD231PD    Y1, Y0, Y2
	VMOVUPD        Y2, (DI)(R8*1)
	ADDQ           $32, R8
	ADDQ           $16, R9
	JMP            chloop

chnext:
	ADDQ R11, DI
	ADDQ R12, AX
	ADDQ R10, BX
	DECQ CX
	JMP  chchunk

chdone:
	VZEROUPPER
	RET

// func r4twStageAVX2(x *complex128, n, q int, w1, w2, w3 *complex128, mask *[4]float64)
// One radix-4 stage of span q (even) over the n-point vector x: for every
// block k0 = 0, 4q, 8q, … the butterfly of r4AVX2 on the quarters a, b, c, d
// of x[k0 : k0+4q], with one twiddle triple per element (w1[j], w2[j],
// w3[j], j < q) and no output scale.
TEXT ·r4twStageAVX2(SB), NOSPLIT, $0-56
	MOVQ x+0(FP), AX
	MOVQ n+8(FP), R12
	MOVQ q+16(FP), SI
	MOVQ w1+24(FP), R9
	MOVQ w2+32(FP), R10
	MOVQ w3+40(FP), R11
	MOVQ mask+48(FP), DI
	VMOVUPD (DI), Y7
	SHLQ $4, SI   // q in bytes
	SHLQ $4, R12  // n in bytes
	LEAQ (AX)(R12*1), R12 // end of x
	MOVQ SI, R13
	SHLQ $2, R13  // block size in bytes

stblock:
	CMPQ AX, R12
	JGE  stdone
	LEAQ (AX)(SI*1), BX
	LEAQ (BX)(SI*1), CX
	LEAQ (CX)(SI*1), DX
	XORQ R8, R8

stloop:
	CMPQ    R8, SI
	JGE     stnext
	VMOVUPD (AX)(R8*1), Y8
	VMOVUPD (BX)(R8*1), Y9
	VMOVUPD (CX)(R8*1), Y10
	VMOVUPD (DX)(R8*1), Y11

	WLOAD((R10)(R8*1), Y1, Y0)
	CMULW(Y9, Y1, Y0, Y12) // v = b·w2
	WLOAD((R9)(R8*1), Y3, Y2)
	CMULW(Y10, Y3, Y2, Y13) // s = c·w1
	WLOAD((R11)(R8*1), Y5, Y4)
	CMULW(Y11, Y5, Y4, Y14) // t = d·w3
	R4COMBINE
	VMOVUPD Y12, (AX)(R8*1)
	VMOVUPD Y14, (BX)(R8*1)
	VMOVUPD Y13, (CX)(R8*1)
	VMOVUPD Y8, (DX)(R8*1)
	ADDQ    $32, R8
	JMP     stloop

stnext:
	ADDQ R13, AX
	JMP  stblock

stdone:
	VZEROUPPER
	RET

// func scaleAVX2(d, x *complex128, n int, c float64, add int)
// d[i] = c·x[i] (add = 0) or d[i] += c·x[i] (add = 1); n even.
TEXT ·scaleAVX2(SB), NOSPLIT, $0-40
	MOVQ         d+0(FP), DI
	MOVQ         x+8(FP), AX
	MOVQ         n+16(FP), SI
	VBROADCASTSD c+24(FP), Y6
	MOVQ         add+32(FP), DX
	SHLQ         $4, SI
	XORQ         R8, R8
	TESTQ        DX, DX
	JNE          scadd

scset:
	CMPQ    R8, SI
	JGE     scdone
	VMULPD  (AX)(R8*1), Y6, Y0
	VMOVUPD Y0, (DI)(R8*1)
	ADDQ    $32, R8
	JMP     scset

scadd:
	CMPQ        R8, SI
	JGE         scdone
	VMOVUPD     (DI)(R8*1), Y0
	VFMADD231PD (AX)(R8*1), Y6, Y0
	VMOVUPD     Y0, (DI)(R8*1)
	ADDQ        $32, R8
	JMP         scadd

scdone:
	VZEROUPPER
	RET

// CMULZ: dst = a·b (two complex128 per register); t1, t2 scratch. dst may
// be a, not b.
#define CMULZ(a, b, dst, t1, t2) \
	VMOVDDUP       a, t1;      \
	VPERMILPD      $15, a, t2; \
	VPERMILPD      $5, b, dst; \
	VMULPD         t2, dst, dst; \
	VFMADDSUB231PD b, t1, dst

// PHMOD: loads four complex128 at (AX)(R8*1) as x̃ = x XOR Y15 (conjugation
// mask) into Y0 (elements 0, 1) and Y8 (2, 3); Y1 = m = |x̃| in the order
// [m0, m2, m1, m3], Y2 = 1/m (Y14 = 1); one square root and one division for
// the four. Clobbers Y9.
#define PHMOD \
	VMOVUPD (AX)(R8*1), Y0;   \
	VMOVUPD 32(AX)(R8*1), Y8; \
	VXORPD  Y15, Y0, Y0;      \
	VXORPD  Y15, Y8, Y8;      \
	VMULPD  Y0, Y0, Y1;       \
	VMULPD  Y8, Y8, Y9;       \
	VHADDPD Y9, Y1, Y1;       \
	VSQRTPD Y1, Y1;           \
	VDIVPD  Y1, Y14, Y2

// UPOW: Y4, Y12 = (Y0, Y8)^p for p = DX ≥ 1 (two complex128 per register) by
// binary exponentiation from the lowest bit: r = u at the first set bit,
// r·u at the next ones, u squared between bits. Clobbers Y0, Y8, Y3, Y5–Y7,
// Y10, Y11, CX and R9; the labels are the caller's (one set per use).
#define UPOW(lbit, lmul, lsq, lend) \
	MOVQ    DX, CX;                    \
	MOVQ    $1, R9;                    \
lbit:                                  \
	TESTQ   $1, CX;                    \
	JEQ     lsq;                       \
	TESTQ   R9, R9;                    \
	JEQ     lmul;                      \
	VMOVAPD Y0, Y4;                    \
	VMOVAPD Y8, Y12;                   \
	XORQ    R9, R9;                    \
	JMP     lsq;                       \
lmul:                                  \
	CMULZ(Y4, Y0, Y4, Y5, Y6);         \
	CMULZ(Y12, Y8, Y12, Y10, Y11);     \
lsq:                                   \
	SHRQ    $1, CX;                    \
	JEQ     lend;                      \
	CMULZ(Y0, Y0, Y7, Y5, Y6);         \
	CMULZ(Y8, Y8, Y3, Y10, Y11);       \
	VMOVAPD Y7, Y0;                    \
	VMOVAPD Y3, Y8;                    \
	JMP     lbit;                      \
lend:

// func phaseHarmAVX2(y, x *complex128, n, p int, k *[8]float64)
// y[i] = |x̃|·(x̃/|x̃|)^p (0 where x = 0), x̃ = x XOR k[0:4] (conjugation
// mask), k[4:8] = 1; p ≥ 1 by binary exponentiation from the lowest bit
// (r = u at the first set bit, r·u at the next ones, u squared between
// bits), on two registers at once. One square root and one division per
// four elements; n multiple of 4.
TEXT ·phaseHarmAVX2(SB), NOSPLIT, $0-40
	MOVQ    y+0(FP), DI
	MOVQ    x+8(FP), AX
	MOVQ    n+16(FP), SI
	MOVQ    p+24(FP), DX
	MOVQ    k+32(FP), BX
	VMOVUPD 0(BX), Y15
	VMOVUPD 32(BX), Y14
	VXORPD  Y13, Y13, Y13
	SHLQ    $4, SI
	XORQ    R8, R8

phloop:
	CMPQ      R8, SI
	JGE       phdone
	PHMOD
	VUNPCKHPD Y1, Y1, Y9      // [m2, m2, m3, m3]
	VUNPCKLPD Y1, Y1, Y1      // [m0, m0, m1, m1]
	VUNPCKHPD Y2, Y2, Y10
	VUNPCKLPD Y2, Y2, Y2
	VMULPD    Y2, Y0, Y0      // u01
	VMULPD    Y10, Y8, Y8     // u23
	VCMPPD    $0, Y13, Y1, Y3 // m == 0
	VCMPPD    $0, Y13, Y9, Y11
	VANDNPD   Y0, Y3, Y0      // u = 0 where x = 0
	VANDNPD   Y8, Y11, Y8
	UPOW(phbit, phmul, phsq, phend)
	VMULPD  Y1, Y4, Y4
	VMULPD  Y9, Y12, Y12
	VMOVUPD Y4, (DI)(R8*1)
	VMOVUPD Y12, 32(DI)(R8*1)
	ADDQ    $64, R8
	JMP     phloop

phdone:
	VZEROUPPER
	RET

// func phaseHarmGradAVX2(d, gp, x, y *complex128, n int, k *[12]float64, add int)
// d[i] (=, or += with add) ((P − i·p·Q)·x)·(1/|x|²) (0 where x = 0), P + iQ
// = conj(g)·y; k[0:4] conjugation mask, k[4:8] = [1, −p, 1, −p], k[8:12]
// = 1. One division per four elements; n multiple of 4.
TEXT ·phaseHarmGradAVX2(SB), NOSPLIT, $0-56
	MOVQ    d+0(FP), DI
	MOVQ    gp+8(FP), BX
	MOVQ    x+16(FP), AX
	MOVQ    y+24(FP), CX
	MOVQ    n+32(FP), SI
	MOVQ    k+40(FP), DX
	MOVQ    add+48(FP), R9
	VMOVUPD 0(DX), Y15
	VMOVUPD 32(DX), Y14
	VMOVUPD 64(DX), Y12
	VXORPD  Y13, Y13, Y13
	SHLQ    $4, SI
	XORQ    R8, R8

pgloop:
	CMPQ      R8, SI
	JGE       pgdone
	VMOVUPD   (AX)(R8*1), Y5
	VMOVUPD   32(AX)(R8*1), Y10
	VMULPD    Y5, Y5, Y7
	VMULPD    Y10, Y10, Y8
	VHADDPD   Y8, Y7, Y7      // [n0, n2, n1, n3]
	VDIVPD    Y7, Y12, Y8     // 1/n
	VCMPPD    $0, Y13, Y7, Y9 // n == 0
	VANDNPD   Y8, Y9, Y8      // 0 where x = 0
	VUNPCKLPD Y8, Y8, Y7      // [i0, i0, i1, i1]
	VUNPCKHPD Y8, Y8, Y8      // [i2, i2, i3, i3]
	VMOVUPD   (BX)(R8*1), Y0
	VXORPD    Y15, Y0, Y0     // conj(g)
	VMOVUPD   (CX)(R8*1), Y1
	CMULZ(Y0, Y1, Y2, Y3, Y4) // [P, Q]
	VMULPD    Y14, Y2, Y2     // [P, −pQ]
	CMULZ(Y2, Y5, Y6, Y3, Y4)
	VMULPD    Y7, Y6, Y6
	VMOVUPD   32(BX)(R8*1), Y0
	VXORPD    Y15, Y0, Y0
	VMOVUPD   32(CX)(R8*1), Y1
	CMULZ(Y0, Y1, Y2, Y3, Y4)
	VMULPD    Y14, Y2, Y2
	CMULZ(Y2, Y10, Y11, Y3, Y4)
	VMULPD    Y8, Y11, Y11
	TESTQ     R9, R9
	JEQ       pgstore
	VADDPD    (DI)(R8*1), Y6, Y6
	VADDPD    32(DI)(R8*1), Y11, Y11

pgstore:
	VMOVUPD Y6, (DI)(R8*1)
	VMOVUPD Y11, 32(DI)(R8*1)
	ADDQ    $64, R8
	JMP     pgloop

pgdone:
	VZEROUPPER
	RET

// func dotAVX2(out *[8]float64, a, b *complex128, n int)
// out[0:4] = Σ a ⊙ b, out[4:8] = Σ a ⊙ swap(b) (lane-wise, pairs of
// complex per register); n multiple of 4.
TEXT ·dotAVX2(SB), NOSPLIT, $0-32
	MOVQ   out+0(FP), DI
	MOVQ   a+8(FP), AX
	MOVQ   b+16(FP), BX
	MOVQ   n+24(FP), SI
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	SHLQ   $4, SI
	XORQ   R8, R8

dtloop:
	CMPQ        R8, SI
	JGE         dtdone
	VMOVUPD     (AX)(R8*1), Y4
	VMOVUPD     32(AX)(R8*1), Y5
	VMOVUPD     (BX)(R8*1), Y6
	VMOVUPD     32(BX)(R8*1), Y7
	VFMADD231PD Y6, Y4, Y0
	VFMADD231PD Y7, Y5, Y1
	VPERMILPD   $5, Y6, Y6
	VPERMILPD   $5, Y7, Y7
	VFMADD231PD Y6, Y4, Y2
	VFMADD231PD Y7, Y5, Y3
	ADDQ        $64, R8
	JMP         dtloop

dtdone:
	VADDPD  Y1, Y0, Y0
	VADDPD  Y3, Y2, Y2
	VMOVUPD Y0, 0(DI)
	VMOVUPD Y2, 32(DI)
	VZEROUPPER
	RET

// func cscaleAVX2(d, x *complex128, n int, k *[8]float64, add int)
// d[i] (=, or += with add) mx(x[i])·c, mx = XOR with k[0:4] (conjugation
// mask), c = k[4] + i·k[5]. n even.
TEXT ·cscaleAVX2(SB), NOSPLIT, $0-40
	MOVQ         d+0(FP), DI
	MOVQ         x+8(FP), AX
	MOVQ         n+16(FP), SI
	MOVQ         k+24(FP), DX
	MOVQ         add+32(FP), R9
	VMOVUPD      0(DX), Y15
	VBROADCASTSD 32(DX), Y14
	VBROADCASTSD 40(DX), Y13
	SHLQ         $4, SI
	XORQ         R8, R8

csloop:
	CMPQ    R8, SI
	JGE     csdone
	VMOVUPD (AX)(R8*1), Y0
	VXORPD  Y15, Y0, Y0
	CMULW(Y0, Y14, Y13, Y1)
	TESTQ   R9, R9
	JEQ     csstore
	VADDPD  (DI)(R8*1), Y1, Y1

csstore:
	VMOVUPD Y1, (DI)(R8*1)
	ADDQ    $32, R8
	JMP     csloop

csdone:
	VZEROUPPER
	RET

// PHBHALF: the outputs of phaseHarmBackAVX2 for two elements at byte offset
// off: r = ũ^|p| in rr, unpck selects their lanes of m (Y1) and 1/m (Y2).
// w = m·r; dO (=, or += with flags bit 0) conjO(w)·cO; conj(g_w) =
// õ'·conj(cW) (õ' = o, conjugated unless conjO); P′ + iQ′ = conj(g_w)·r;
// dZ (=, or += with flags bit 1) (P′ − i·p·Q′)·u, u = z·(1/m).
#define PHBHALF(off, rr, unpck, lo, lz) \
	unpck          Y1, Y1, Y5;          \
	VMULPD         Y5, rr, Y6;          \
	VXORPD         64(R11), Y6, Y6;     \
	VPERMILPD      $5, Y6, Y7;          \
	VMULPD         128(R11), Y7, Y7;    \
	VFMADDSUB231PD 96(R11), Y6, Y7;     \
	TESTQ          $1, R12;             \
	JEQ            lo;                  \
	VADDPD         off(DI)(R8*1), Y7, Y7; \
lo:                                     \
	VMOVUPD        Y7, off(DI)(R8*1);   \
	VMOVUPD        off(BX)(R8*1), Y6;   \
	VXORPD         160(R11), Y6, Y6;    \
	VPERMILPD      $5, Y6, Y7;          \
	VMULPD         224(R11), Y7, Y7;    \
	VFMADDSUB231PD 192(R11), Y6, Y7;    \
	CMULZ(Y7, rr, Y6, Y5, Y3);          \
	VMULPD         256(R11), Y6, Y6;    \
	VMOVUPD        off(AX)(R8*1), Y7;   \
	unpck          Y2, Y2, Y5;          \
	VMULPD         Y5, Y7, Y7;          \
	CMULZ(Y6, Y7, Y3, Y5, Y10);         \
	TESTQ          $2, R12;             \
	JEQ            lz;                  \
	VADDPD         off(R10)(R8*1), Y3, Y3; \
lz:                                     \
	VMOVUPD        Y3, off(R10)(R8*1)

// func phaseHarmBackAVX2(dO, dZ, z, o *complex128, n, p int, k *phGradConsts, flags int)
// The fused adjoint of phaseHarmBack (see there and phGradConsts): m = |z̃|
// and 1/m (0 where m = 0) for four elements with one square root and one
// division, ũ = z̃/m, r = ũ^p as in phaseHarmAVX2 (p = |p| ≥ 1), then
// PHBHALF on each pair. n multiple of 4.
TEXT ·phaseHarmBackAVX2(SB), NOSPLIT, $0-64
	MOVQ    dO+0(FP), DI
	MOVQ    dZ+8(FP), R10
	MOVQ    z+16(FP), AX
	MOVQ    o+24(FP), BX
	MOVQ    n+32(FP), SI
	MOVQ    p+40(FP), DX
	MOVQ    k+48(FP), R11
	MOVQ    flags+56(FP), R12
	VMOVUPD 0(R11), Y15
	VMOVUPD 32(R11), Y14
	VXORPD  Y13, Y13, Y13
	SHLQ    $4, SI
	XORQ    R8, R8

pbloop:
	CMPQ      R8, SI
	JGE       pbdone
	PHMOD
	VCMPPD    $0, Y13, Y1, Y3 // m == 0
	VANDNPD   Y2, Y3, Y2      // 1/m, 0 where z = 0
	VUNPCKLPD Y2, Y2, Y3      // [i0, i0, i1, i1]
	VUNPCKHPD Y2, Y2, Y11     // [i2, i2, i3, i3]
	VMULPD    Y3, Y0, Y0      // ũ01
	VMULPD    Y11, Y8, Y8     // ũ23
	UPOW(pbbit, pbmul, pbsq, pbend)
	PHBHALF(0, Y4, VUNPCKLPD, pbo0, pbz0)
	PHBHALF(32, Y12, VUNPCKHPD, pbo1, pbz1)
	ADDQ $64, R8
	JMP  pbloop

pbdone:
	VZEROUPPER
	RET
