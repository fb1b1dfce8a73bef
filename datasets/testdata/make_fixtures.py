#!/usr/bin/env python3
"""Writes the small interop fixtures in this folder with numpy and astropy.

Run from this folder: python3 make_fixtures.py (numpy 1.24, astropy 5.2 were
used). The Go tests recompute the expected values with the same formulas:

  real dtypes:    v[i] = i * 0.37 - 1.5 (floats), i - 5 (signed), i (unsigned),
                  i % 3 == 1 (bool), over the C-order flat index i
  complex dtypes: v[i] = (i * 0.37 - 1.5) + 1j * (0.5 * i + 1)
"""
import numpy as np
from astropy.io import fits

KINDS = ["f4", "f8", "c8", "c16", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8", "b1"]
SHAPES = {"0d": (), "1d": (5,), "2d": (3, 4), "3d": (2, 3, 4)}


def values(kind, shape):
    n = int(np.prod(shape)) if shape else 1
    i = np.arange(n, dtype=np.float64)
    if kind in ("f4", "f8"):
        v = i * 0.37 - 1.5
    elif kind in ("c8", "c16"):
        v = (i * 0.37 - 1.5) + 1j * (0.5 * i + 1)
    elif kind.startswith("i"):
        v = i - 5
    elif kind.startswith("u"):
        v = i
    else:
        v = (i % 3) == 1
    return v.reshape(shape)


members = {}
for kind in KINDS:
    for sname, shape in SHAPES.items():
        for order in ("<", ">"):
            if kind in ("i1", "u1", "b1") and order == ">":
                continue
            dt = np.dtype(order + kind if kind != "b1" else "?")
            x = values(kind, shape).astype(dt)
            members[f"{kind}_{'le' if order == '<' else 'be'}_c_{sname}"] = x
            if len(shape) >= 2:
                members[f"{kind}_{'le' if order == '<' else 'be'}_f_{sname}"] = np.asfortranarray(x)
                assert not members[f"{kind}_{'le' if order == '<' else 'be'}_f_{sname}"].flags.c_contiguous
np.savez("numpy_cases.npz", **members)
np.savez_compressed("numpy_cases_deflated.npz", **members)

# Header versions 2.0 and 3.0, and a plain big-endian Fortran-order .npy.
x = values("f8", (3, 4)).astype(">f8")
for v in ((1, 0), (2, 0), (3, 0)):
    with open(f"v{v[0]}_f8_be.npy", "wb") as f:
        np.lib.format.write_array(f, np.asfortranarray(x), version=v)

extremes = np.array([-(2**63), -(2**53) - 1, 2**53, 2**63 - 1], dtype="<i8")
np.save("i8_extremes.npy", extremes)


def fitsfix(name, hdul, expected):
    hdul.writeto(name + ".fits", overwrite=True)
    got = fits.getdata(name + ".fits")
    np.save(name + "_getdata.npy", np.asarray(got, dtype=np.float64))
    if expected is not None:
        assert np.array_equal(np.asarray(got, dtype=np.float64), expected, equal_nan=True), name


img = (np.arange(35, dtype=np.float64).reshape(5, 7) * 0.37 - 1.5)
cube = (np.arange(105, dtype=np.float64).reshape(3, 5, 7) * 0.37 - 1.5)
fitsfix("astropy_f32", fits.HDUList([fits.PrimaryHDU(img.astype(np.float32))]), img.astype(np.float32).astype(np.float64))
fitsfix("astropy_f64_cube", fits.HDUList([fits.PrimaryHDU(cube)]), cube)
fitsfix("astropy_i32", fits.HDUList([fits.PrimaryHDU((np.arange(35) - 17).reshape(5, 7).astype(np.int32))]), None)
fitsfix("astropy_i64", fits.HDUList([fits.PrimaryHDU((np.arange(35) - 17).reshape(5, 7).astype(np.int64))]), None)
fitsfix("astropy_u8", fits.HDUList([fits.PrimaryHDU(np.arange(35).reshape(5, 7).astype(np.uint8))]), None)
fitsfix("astropy_u16", fits.HDUList([fits.PrimaryHDU((np.arange(35) * 1800).reshape(5, 7).astype(np.uint16))]), None)

# BITPIX 16 with BSCALE/BZERO: astropy quantises the float image.
h = fits.PrimaryHDU(img.copy())
h.scale("int16", bscale=0.01, bzero=2.0)
h.header["BUNIT"] = ("MJy/sr", "surface brightness")
fitsfix("astropy_i16_scaled", fits.HDUList([h]), None)

# BITPIX 16 with BLANK: pixels equal to BLANK read as NaN.
raw = (np.arange(35) - 17).reshape(5, 7).astype(np.int16)
raw[1, 2] = -32768
raw[4, 6] = -32768
h = fits.PrimaryHDU(raw)
h.header["BLANK"] = -32768
fitsfix("astropy_i16_blank", fits.HDUList([h]), None)

# Empty primary HDU followed by an IMAGE extension.
fitsfix("astropy_ext", fits.HDUList([fits.PrimaryHDU(), fits.ImageHDU(img.astype(np.float32), name="SCI")]),
        img.astype(np.float32).astype(np.float64))

# gzip-compressed
fits.HDUList([fits.PrimaryHDU(img.astype(np.float32))]).writeto("astropy_f32.fits.gz", overwrite=True)
print("ok", len(members), "npz members")

# Small archives as numpy writes them (zip64 extras on members), for fuzz seeds.
small = {"a": np.arange(6, dtype="<f4").reshape(2, 3), "J": np.array(4, dtype="<i8"), "z": np.array([1 + 2j], dtype=">c8")}
np.savez("numpy_small.npz", **small)
np.savez_compressed("numpy_small_deflated.npz", **small)
