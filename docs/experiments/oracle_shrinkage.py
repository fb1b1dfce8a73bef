#!/usr/bin/env python3
"""Oracle bounds for the separation issues' r(k) targets (numpy only).

A wavelet-domain conditional-mean shrinkage: an oriented tight frame
(half-octave raised-cosine radial bands x L = 8 analytic orientations), and
for every band a gain table E[s_w conj(d_w)] / E[|d_w|^2] as a function of
the local energy of the noisy coefficients (a box of the band's wavelength),
i.e. the best estimator of each coefficient given its own neighbourhood's
energy (a learned, locally adaptive Wiener / BLS shrinkage). The tables are
fitted with the TRUTH, so the figures are bounds for this estimator class,
not a method:

  noise [sub|ROW,COL]  the separation issue's white-noise case (256^2, SNR 1,
                       dust I_1[::2, ::2] or a crop): tables fitted on the
                       true s plus 4 further noise draws; prints r(k) in the
                       bins where P_n <= P_s and its minimum (target 0.9).
  heldout [SIZE]       the per-component model issue's held-out 64^2 (or
                       SIZE^2, <= 128) mixtures (dust I x 10 columns 384-511 + Quijote 04-19,
                       30 random pairs): worst r over the bins where each
                       component holds >= 30 % of the power (target 0.8),
                       (i) tables fitted on the very mixture with its truth
                       (an overfit oracle), (ii) on the true dust patch plus
                       12 other Quijote patches.

Binning as stkit's infer.IsoPowerSpectrum: half-octaves of |k| from 1 to N/2.
Usage: python3 docs/experiments/oracle_shrinkage.py noise sub
       python3 docs/experiments/oracle_shrinkage.py heldout [128]
(run from the repository root, with ../shared beside it).
"""
import sys
import numpy as np

D = '../shared/data'


class Frame:
    def __init__(self, n, L=8):
        self.n = n
        k = np.fft.fftfreq(n) * n
        kx, ky = np.meshgrid(k, k, indexing='ij')
        self.K = np.hypot(kx, ky)
        e = [2 ** (i / 2) for i in range(40) if 2 ** (i / 2) <= n / 2]
        if e[-1] < n / 2:
            e.append(n / 2)
        self.masks = [(self.K >= e[i]) & (self.K < e[i + 1]) for i in range(len(e) - 1)]
        logk = np.log2(np.maximum(self.K, 1e-9))
        self.centers = np.arange(0, np.log2(n / 2) + 0.01, 0.5)
        bands = np.array([np.where(np.abs(logk - c) < 0.5, np.cos(np.pi * (logk - c)), 0.0) for c in self.centers])
        s = np.sqrt((bands ** 2).sum(0))
        s[s == 0] = 1
        bands /= s
        bands[:, self.K == 0] = 0
        ang = np.arctan2(ky, kx)
        o = []
        for l in range(L):
            t = (ang - np.pi * l / L + np.pi) % (2 * np.pi) - np.pi
            o.append(np.where(np.abs(t) < np.pi / 2, np.cos(t) ** (L - 1), 0.0))
        o = np.array(o)
        # analytic filters: sum_l |O_l(k)|^2 + |O_l(-k)|^2 = 1
        full = (o ** 2).sum(0) + (np.roll(np.flip(o, (1, 2)), (1, 1), (1, 2)) ** 2).sum(0)
        o /= np.sqrt(np.maximum(full, 1e-12))
        self.f = [bands[j] * o[l] for j in range(len(self.centers)) for l in range(L)]
        self.j = [j for j in range(len(self.centers)) for _ in range(L)]

    def ps(self, a):
        A = np.fft.fft2(a - a.mean())
        return np.array([(abs(A[m]) ** 2).mean() for m in self.masks])

    def r(self, a, b):
        A, B = np.fft.fft2(a - a.mean()), np.fft.fft2(b - b.mean())
        return np.array([(A[m] * np.conj(B[m])).real.mean() / np.sqrt((abs(A[m]) ** 2).mean() * (abs(B[m]) ** 2).mean()) for m in self.masks])

    def analyze(self, x):
        X = np.fft.fft2(x)
        return [np.fft.ifft2(X * f) for f in self.f]

    def synth(self, cs):
        acc = np.zeros((self.n, self.n), complex)
        for f, c in zip(self.f, cs):
            acc += np.fft.fft2(c) * np.conj(f)
        return 2 * np.fft.ifft2(acc).real

    def blur(self, a, r):
        n = self.n
        k = np.zeros((n, n))
        k[:r, :r] = 1
        k = np.roll(k, (-(r // 2), -(r // 2)), (0, 1)) / k.sum()
        return np.fft.ifft2(np.fft.fft2(a) * np.fft.fft2(k)).real

    def bins(self, cs, ref, nb=40):
        out = []
        for i, c in enumerate(cs):
            r = int(max(1, min(self.n // 4, round(2 ** (np.log2(self.n / 2) - self.centers[self.j[i]])))))
            e = np.log(self.blur(abs(c) ** 2, r) / ref[i] + 1e-12)
            out.append(np.clip(((e + 6) / 16 * nb).astype(int), 0, nb - 1))
        return out

    def fit(self, pairs, nb=40):
        """Gain tables from (truth, mixture) pairs; ref from the first mixture."""
        num = np.zeros((len(self.f), nb))
        den = np.zeros((len(self.f), nb))
        ref = None
        for s, d in pairs:
            cd = self.analyze(d)
            if ref is None:
                ref = [(abs(c) ** 2).mean() + 1e-30 for c in cd]
            cs = self.analyze(s)
            for i, b in enumerate(self.bins(cd, ref, nb)):
                num[i] += np.bincount(b.ravel(), (cs[i] * np.conj(cd[i])).real.ravel(), nb)
                den[i] += np.bincount(b.ravel(), (abs(cd[i]) ** 2).ravel(), nb)
        return num / np.maximum(den, 1e-30), ref

    def apply(self, d, table):
        g, ref = table
        cd = self.analyze(d)
        return self.synth([c * g[i][b] for i, (c, b) in enumerate(zip(cd, self.bins(cd, ref)))])


def noise_case(where):
    I = np.load(f'{D}/dust/I_1.npy').astype(float)
    if where == 'sub':
        s = I[::2, ::2].copy()
    else:
        y, x = map(int, where.split(','))
        s = I[y:y + 256, x:x + 256].copy()
    fr = Frame(256)
    sd = s.std()
    noise = lambda seed: sd * np.random.default_rng(seed).standard_normal(s.shape)
    d = s + noise(0)
    sel = np.mean([fr.ps(noise(i)) for i in range(1, 21)], 0) <= fr.ps(s)
    table = fr.fit([(s, s + noise(100 + i)) for i in range(4)])
    for name, est in [('data', d), ('oracle shrinkage', fr.apply(d, table))]:
        r = fr.r(s, est)[sel]
        print(f'{name:18s} min r where P_n <= P_s {r.min():.3f}   pixel corr {np.corrcoef(s.ravel(), est.ravel())[0, 1]:.3f}   r(k) {np.round(r, 3)}')


def heldout_case(n=64):
    I = np.load(f'{D}/dust/I_1.npy').astype(float) * 10
    Q = {i: np.load(f'{D}/quijote/logdensity_{i:02d}.npy').astype(float) for i in range(4, 20)}
    fr = Frame(n)
    rng = np.random.default_rng(7)
    patch = lambda a, r, c: a[r:r + n, c:c + n]
    res = {k: ([], []) for k in ('data', 'oracle (same mixture)', 'oracle (truth + other c)')}
    for _ in range(30):
        s = patch(I, rng.integers(0, 512 - n + 1), 384 + rng.integers(0, 128 - n + 1))
        c = patch(Q[4 + rng.integers(0, 16)], *rng.integers(0, 256 - n + 1, 2))
        d = s + c
        ps, pc = fr.ps(s), fr.ps(c)
        sel = (ps / (ps + pc) >= 0.3, pc / (ps + pc) >= 0.3)

        def rec(name, est):
            for k, (t, e) in enumerate([(s, est), (c, d - est)]):
                res[name][k].append(fr.r(t, e)[sel[k]].min())
        rec('data', 0.5 * d)
        rec('oracle (same mixture)', fr.apply(d, fr.fit([(s, d)])))
        others = [s + patch(Q[4 + rng.integers(0, 16)], *rng.integers(0, 256 - n + 1, 2)) for _ in range(12)]
        rec('oracle (truth + other c)', fr.apply(d, fr.fit([(s, o) for o in others])))
    for k, (a, b) in res.items():
        print(f'{k:26s} mean worst-bin r: dust {np.mean(a):.3f}  Quijote {np.mean(b):.3f}')


if __name__ == '__main__':
    if len(sys.argv) >= 2 and sys.argv[1] == 'noise':
        noise_case(sys.argv[2] if len(sys.argv) > 2 else 'sub')
    elif len(sys.argv) >= 2 and sys.argv[1] == 'heldout':
        heldout_case(int(sys.argv[2]) if len(sys.argv) > 2 else 64)
    else:
        sys.exit(__doc__)
