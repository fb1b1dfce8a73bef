#!/usr/bin/env python3
"""Read an stkit model folder (stkit export) with the Python standard library.

README.md ("Per-component model format") says the folder is readable with
numpy alone (json.load, np.load). This script checks that claim without
numpy: it reads every .npz member by numpy's own .npy rules (what
numpy.load / numpy.lib.format.read_array accept and refuse, allow_pickle
False) and checks the cross-references the README documents.

.npy rules applied (numpy/lib/format.py): the magic b'\\x93NUMPY'; format
version 1.0, 2.0 or 3.0 only (header length '<H' or '<I'; latin-1 header,
UTF-8 for 3.0); a header of at most 10000 characters (np.load's
max_header_size); the header is a Python literal (ast.literal_eval; for
versions <= 2.0 numpy's Python-2 'L' filter is tried too, with a warning)
that must be a dict with exactly the keys descr, fortran_order, shape;
shape a tuple of ints (none negative), fortran_order a bool, descr a dtype
string. Handled descrs: [<>|=] + b1 (or ?), i1 i2 i4 i8, u1 u2 u4 u8, f2 f4
f8, c8 c16, U<n> (UTF-32, trailing NULs stripped as numpy does, code points
above U+10FFFF refused); little and big endian; 0-d arrays; Fortran order.
Descrs numpy knows but this script does not read (object 'O', which np.load
refuses without allow_pickle, void, datetime, bytes 'S', f16, c32) are
errors here. Data shorter than the header says is an error (numpy: "EOF:
reading array data"); bytes after the data are ignored by numpy and warned
about here. An archive must start with a zip signature (np.load's test);
a member that does not start with the .npy magic would come back from
np.load as raw bytes, and is an error; so are duplicate member names.

Folder checks (README, "Per-component model format"): manifest.json format
"stkit-component-models", version 1; features.dim D = len(features.columns)
(coeff in [0, C), part re/im), C = n_coefficients = len(labels.class);
clusters[i].k = i, file component_<k>.npz present; every archive member
documented in npz_members; mean/std/residual_std/data_mean/data_std [D],
cov [D,D] iff covariance, samples [S,D] (S = samples_per_component),
latents [S,Z] float32, coeff_mean [C] complex128 (= mean as complex
coefficients, exactly), coeff_std [C] (= sqrt(sum of std^2) per
coefficient), patch_index [n_k] int64 (n_k = count, rows disjoint between
components), data_chi2/data_chi2_amp [n_k], ps/ps_k/ps_logmean/ps_logstd one
value per bin (len(ps_bin_edges) - 1), pixel_moments [4], ps_corner_log
[2], ps_corner_rings [2,2], data_mean/data_std absent iff count 0 (ps_from
"all"), weights summing to 1. patch_priors: one file per component ("" where
none), each patch_prior_<k>.npz with exactly weights [K] (sum 1 within
1e-6), means [K,P,P], covs [K,P^2,P^2] float64, K <= mixture_components,
P = patch; mixture_components_used (optional: present when a fit took
fewer components than mixture_components on too few training rows) one
int per file, 0 where "", else K <= it <= mixture_components. feature_filters: file feature_filter_<a>_<b>.npz with weights
[NA,F] float64 (F = channels), channels [F] and groups [G] str (groups =
features), pair [2] int64 = (a, b), patch [1] int64 = patch, wavelets [4],
alpha [1] = alpha, held_aside [2] = held_aside_r (float64), and its
patch_priors records (components a then b): the SHA-256 of the folder's
patch_prior file, its K and P; half_prior_components_used (optional:
present when a half prior took fewer components than mixture_components)
[[a's half 0, half 1], [b's half 0, half 1]] ints, each 1 <= it <= the
components that component's full prior was fitted with
(mixture_components_used, else mixture_components: a half holds fewer
training rows). The manifest's keys (top level, clusters,
patch_priors, feature_filters) against README's lists: a documented
required key missing is an error, a key README does not list a warning.
Files in the folder that the manifest does not name are warned about.

Usage (from the repository root):
  python3 docs/experiments/read_models.py MODELDIR [--checksums FILE]
prints every member (file, name, descr, numpy dtype, shape, sum and sum of
squares over the finite values in C order, summed one value after another
in float64; exact integer sums for integer dtypes; the strings themselves),
then the errors and warnings; exit status 1 when any check fails (2 on a
usage error). With --checksums FILE the member lines alone go to FILE, one
a line: "FILE.npz:MEMBER DTYPE SHAPE CHECKSUMS" (sums printed %.17g), to
diff against the same lines printed from Go's loaders (infer.LoadModels,
LoadPatchPriors, LoadFeatureFilters). Python 3.8 or later, no packages.
"""
import ast
import hashlib
import json
import math
import os
import re
import struct
import sys
import zipfile
import zlib

MAGIC = b"\x93NUMPY"
MAX_HEADER = 10000  # numpy.lib.format._MAX_HEADER_SIZE (np.load, allow_pickle False)
HEADER_INFO = {(1, 0): ("<H", "latin1"), (2, 0): ("<I", "latin1"), (3, 0): ("<I", "utf8")}
EXPECTED_KEYS = {"descr", "fortran_order", "shape"}
# kind -> {itemsize: (numpy dtype name, struct code)}
NUMERIC = {
    "b": {1: ("bool", "?")},
    "i": {1: ("int8", "b"), 2: ("int16", "h"), 4: ("int32", "i"), 8: ("int64", "q")},
    "u": {1: ("uint8", "B"), 2: ("uint16", "H"), 4: ("uint32", "I"), 8: ("uint64", "Q")},
    "f": {2: ("float16", "e"), 4: ("float32", "f"), 8: ("float64", "d")},
    "c": {8: ("complex64", "f"), 16: ("complex128", "d")},
}
DESCR_RE = re.compile(r"^([<>|=]?)(\?|[biufcU])(\d*)$")


class NpyError(ValueError):
    """A file numpy would refuse (or that this script cannot read)."""


class Dtype:
    def __init__(self, descr):
        if not isinstance(descr, str):
            raise NpyError("descr %r is not a dtype string (a structured dtype: not written by stkit, not read here)" % (descr,))
        m = DESCR_RE.match(descr)
        if not m:
            raise NpyError("descr %r: not a dtype this script reads (numpy may know it: object, void, datetime, bytes …)" % descr)
        order, kind, size = m.groups()
        if kind == "?":
            if size:
                raise NpyError("descr %r is not a valid dtype" % descr)
            kind, size = "b", "1"
        if kind == "U":
            if size == "":
                size = "0"
            self.kind, self.width = "U", int(size)
            self.itemsize = 4 * self.width
            self.name = "str"
        else:
            if size == "":
                raise NpyError("descr %r: no item size (numpy would read the platform default; stkit never writes it)" % descr)
            n = int(size)
            if n not in NUMERIC[kind]:
                raise NpyError("descr %r: item size %d of kind %r not read here" % (descr, n, kind))
            self.kind, self.itemsize = kind, n
            self.name, self.code = NUMERIC[kind][n]
        if order in ("", "=", "|"):
            # native order ('|' means "not applicable"; numpy treats it as native)
            self.endian = "<" if sys.byteorder == "little" else ">"
            self.native = self.itemsize > 1 and self.kind != "b"
        else:
            self.endian, self.native = order, False
        self.descr = descr


def filter_py2_header(s):
    """numpy.lib.format._filter_header: drop the 'L' of Python 2 long literals."""
    import io
    import tokenize
    tokens, last_number = [], False
    for tok in tokenize.generate_tokens(io.StringIO(s).readline):
        if last_number and tok[0] == tokenize.NAME and tok[1] == "L":
            continue
        tokens.append(tok)
        last_number = tok[0] == tokenize.NUMBER
    return tokenize.untokenize(tokens)


def read_npy(b, where):
    """Parse .npy bytes as numpy.lib.format.read_array does.

    Returns a dict: version, descr, dtype (Dtype), shape, fortran_order,
    values (flat, C order: float, int, bool, complex or str), warnings.
    """
    warns = []
    if len(b) < 8:
        raise NpyError("%s: EOF reading the magic string (%d bytes)" % (where, len(b)))
    if b[:6] != MAGIC:
        raise NpyError("%s: the magic string is not correct; expected %r, got %r" % (where, MAGIC, b[:6]))
    version = (b[6], b[7])
    if version not in HEADER_INFO:
        raise NpyError("%s: we only support format version (1,0), (2,0), and (3,0), not %r" % (where, version))
    ltype, enc = HEADER_INFO[version]
    off = 8 + struct.calcsize(ltype)
    if len(b) < off:
        raise NpyError("%s: EOF reading the array header length" % where)
    (hlen,) = struct.unpack(ltype, b[8:off])
    if len(b) < off + hlen:
        raise NpyError("%s: EOF reading the array header: expected %d bytes, got %d" % (where, hlen, len(b) - off))
    try:
        header = b[off:off + hlen].decode(enc)
    except UnicodeDecodeError as e:
        raise NpyError("%s: header is not %s: %s" % (where, enc, e))
    if len(header) > MAX_HEADER:
        raise NpyError("%s: header info length (%d) is large and may not be safe to load securely (np.load refuses it without allow_pickle)" % (where, len(header)))
    if (off + hlen) % 64 != 0:
        warns.append("%s: header ends at byte %d, not a multiple of 64 (numpy writes it aligned; it still reads this)" % (where, off + hlen))
    if not header.endswith("\n"):
        warns.append("%s: header does not end in a newline (numpy writes one; it still reads this)" % where)
    # literal_eval also raises TypeError (an unhashable key: "{[1]: 2}"),
    # MemoryError or RecursionError; np.load fails on those too
    unparsable = (SyntaxError, ValueError, TypeError, MemoryError, RecursionError)
    try:
        d = ast.literal_eval(header)
    except unparsable as e:
        if version > (2, 0) or not isinstance(e, SyntaxError):
            raise NpyError("%s: cannot parse header: %r" % (where, header))
        try:
            d = ast.literal_eval(filter_py2_header(header))
        except unparsable:
            raise NpyError("%s: cannot parse header: %r" % (where, header))
        warns.append("%s: header needed numpy's Python 2 filter (numpy warns)" % where)
    if not isinstance(d, dict):
        raise NpyError("%s: header is not a dictionary: %r" % (where, d))
    if set(d.keys()) != EXPECTED_KEYS:
        raise NpyError("%s: header does not contain the correct keys: %r" % (where, sorted(d.keys(), key=str)))
    shape, fortran = d["shape"], d["fortran_order"]
    if not isinstance(shape, tuple) or not all(isinstance(x, int) for x in shape):
        raise NpyError("%s: shape is not valid: %r" % (where, shape))
    if any(isinstance(x, bool) for x in shape):
        # numpy's header check passes a bool (an int), building the array
        # fails: "TypeError: an integer is required" (numpy 1.24)
        raise NpyError("%s: shape %r holds a bool: np.load fails on it (an integer is required)" % (where, shape))
    if any(x < 0 for x in shape):
        raise NpyError("%s: negative dimensions are not allowed: %r" % (where, shape))
    if not isinstance(fortran, bool):
        raise NpyError("%s: fortran_order is not a valid bool: %r" % (where, fortran))
    try:
        dt = Dtype(d["descr"])
    except NpyError as e:
        raise NpyError("%s: %s" % (where, e))
    if dt.native:
        warns.append("%s: descr %r has no byte order: numpy reads it in this machine's order (%s)" % (where, dt.descr, sys.byteorder))
    count = 1
    for x in shape:
        count *= x
    need = count * dt.itemsize
    data = b[off + hlen:]
    if len(data) < need:
        raise NpyError("%s: EOF: reading array data, expected %d bytes got %d" % (where, need, len(data)))
    if len(data) > need:
        warns.append("%s: %d bytes after the array data (numpy ignores them)" % (where, len(data) - need))
    data = data[:need]
    if dt.kind == "U":
        vals = []
        fmt = "%s%dI" % (dt.endian, dt.width)
        for i in range(count):
            cps = list(struct.unpack_from(fmt, data, i * dt.itemsize))
            while cps and cps[-1] == 0:
                cps.pop()
            for cp in cps:
                if cp > 0x10FFFF:
                    raise NpyError("%s: element %d holds code point %#x, beyond U+10FFFF (numpy cannot make it a str)" % (where, i, cp))
            vals.append("".join(chr(cp) for cp in cps))
    elif dt.kind == "c":
        parts = struct.unpack("%s%d%s" % (dt.endian, 2 * count, dt.code), data)
        vals = [complex(parts[2 * i], parts[2 * i + 1]) for i in range(count)]
    else:
        vals = list(struct.unpack("%s%d%s" % (dt.endian, count, dt.code), data))
    if fortran and len(shape) > 1:
        vals = fortran_to_c(vals, shape)
    return {"version": version, "descr": dt.descr, "dtype": dt, "shape": shape,
            "fortran_order": fortran, "values": vals, "warnings": warns}


def fortran_to_c(vals, shape):
    """Reorder column-major values into row-major order."""
    n = len(vals)
    out = [None] * n
    cstride = [1] * len(shape)  # row-major strides
    for i in range(len(shape) - 2, -1, -1):
        cstride[i] = cstride[i + 1] * shape[i + 1]
    idx = [0] * len(shape)
    for f in range(n):  # f walks Fortran order: first index fastest
        out[sum(i * s for i, s in zip(idx, cstride))] = vals[f]
        for a in range(len(shape)):
            idx[a] += 1
            if idx[a] < shape[a]:
                break
            idx[a] = 0
    return out


def read_npz(path):
    """Read an .npz archive as np.load does; returns ({name: array}, [names in order], warnings)."""
    with open(path, "rb") as fh:
        head = fh.read(4)
    if head not in (b"PK\x03\x04", b"PK\x05\x06"):
        raise NpyError("%s: not a zip archive (np.load looks for PK\\x03\\x04 or PK\\x05\\x06, got %r)" % (path, head))
    out, order, warns = {}, [], []
    with zipfile.ZipFile(path) as z:
        for info in z.infolist():
            name = info.filename[:-4] if info.filename.endswith(".npy") else info.filename
            where = "%s:%s" % (os.path.basename(path), info.filename)
            if name in out:
                raise NpyError("%s: duplicate member name %r" % (path, name))
            if not info.filename.endswith(".npy"):
                warns.append("%s: member name without .npy (np.load still finds it as %r)" % (where, name))
            b = z.read(info)  # checks the CRC-32
            if b[:6] != MAGIC:
                raise NpyError("%s: does not start with the .npy magic: np.load would return its raw bytes, not an array" % where)
            a = read_npy(b, where)
            warns.extend(a["warnings"])
            out[name] = a
            order.append(name)
    return out, order, warns


def g17(x):
    return "%.17g" % x


def checksum(a):
    """The comparable checksum text of an array (see the module doc)."""
    vals, dt = a["values"], a["dtype"]
    if dt.kind == "U":
        return "values=" + json.dumps(vals, ensure_ascii=False, separators=(",", ":"))
    if dt.kind in "iub":
        s = sum(int(v) for v in vals)
        s2 = sum(int(v) * int(v) for v in vals)
        return "sum=%d sumsq=%d" % (s, s2)
    bad = 0
    if dt.kind == "c":
        sr = si = s2 = 0.0
        for z in vals:
            if not (math.isfinite(z.real) and math.isfinite(z.imag)):
                bad += 1
                continue
            sr += z.real
            si += z.imag
            s2 += z.real * z.real + z.imag * z.imag
        txt = "sum_re=%s sum_im=%s sumsq=%s" % (g17(sr), g17(si), g17(s2))
    else:
        s = s2 = 0.0
        for v in vals:
            if not math.isfinite(v):
                bad += 1
                continue
            s += v
            s2 += v * v
        txt = "sum=%s sumsq=%s" % (g17(s), g17(s2))
    if bad:
        txt += " nonfinite=%d" % bad
    return txt


def shape_text(shape):
    return repr(tuple(shape))


class Checker:
    def __init__(self, folder):
        self.folder = folder
        self.errors, self.warnings, self.lines = [], [], []
        self.members = 0

    def err(self, msg):
        self.errors.append(msg)

    def load(self, fname):
        path = os.path.join(self.folder, fname)
        if not os.path.isfile(path):
            self.err("%s: missing (named by manifest.json)" % fname)
            return None
        try:
            arrs, order, warns = read_npz(path)
        except (NpyError, zipfile.BadZipFile, zlib.error, OSError, EOFError) as e:
            self.err("%s: %s" % (fname, e))
            return None
        self.warnings.extend(warns)
        for name in order:
            a = arrs[name]
            self.members += 1
            line = "%s:%s %s %s %s" % (fname, name, a["dtype"].name, shape_text(a["shape"]), checksum(a))
            self.lines.append(line)
            print("%-28s %-16s %-6s v%d.%d %s" % (fname, name, a["descr"], a["version"][0], a["version"][1],
                                                  line.split(" ", 2)[2]))
        return arrs

    def expect(self, fname, arrs, name, dtype, shape, required=True):
        """Check member name's dtype and shape (None in shape: any)."""
        if name not in arrs:
            if required:
                self.err("%s: member %r missing" % (fname, name))
            return None
        a = arrs[name]
        if a["dtype"].name != dtype:
            self.err("%s: %s has dtype %s, README says %s" % (fname, name, a["dtype"].name, dtype))
        sh = a["shape"]
        if len(sh) != len(shape) or any(w is not None and w != g for w, g in zip(shape, sh)):
            want = ", ".join("?" if w is None else str(w) for w in shape)
            self.err("%s: %s has shape %s, want (%s%s) (README and manifest)" % (fname, name, shape_text(sh), want,
                                                                             "," if len(shape) == 1 else ""))
        return a["values"]


# The keys README.md documents ("Per-component model format"): a missing
# required key is an error, a key not listed here a warning (undocumented).
TOP_REQUIRED = ["format", "version", "spec", "patch_size", "n_coefficients", "labels", "features",
                "clusters", "samples_per_component", "seed", "covariance", "latent", "residual_noise",
                "ps_bin_edges", "source"]
TOP_OPTIONAL = ["created", "reference", "window", "window_alpha", "class_doc", "calibration", "recentred",
                "npz_members", "patch_priors", "feature_filters", "export_options",
                "provenance"]  # stkit export's (README: every manifest.json holds it), not infer.ExportModels'
CLUSTER_KEYS = ["k", "weight", "count", "mean_confidence", "file", "ps_from", "sources", "spectrum_outliers"]
PRIORS_KEYS = ["files", "patch", "mixture_components", "mixture_components_used", "reg", "max_rows", "stride",
               "augment", "iters", "seed", "fit_seconds", "npz_members"]
FILTER_KEYS = ["file", "a", "b", "features", "channels", "patch", "alpha", "mixtures_per_fold", "seed",
               "held_aside_r", "fit_seconds", "npz_members", "patch_priors", "half_prior_components_used"]
FILTER_PRIOR_KEYS = ["component", "mixture_components", "patch", "sha256"]


def check_keys(ck, where, obj, documented, required=()):
    if not isinstance(obj, dict):
        ck.err("%s is not a JSON object" % where)
        return
    for key in required:
        if key not in obj:
            ck.err("%s: key %r missing (README documents it)" % (where, key))
    for key in obj:
        if key not in documented and key not in required:
            ck.warnings.append("%s: key %r is not in README's list" % (where, key))


def is_int(x):
    return isinstance(x, int) and not isinstance(x, bool)


def check_folder(folder):
    ck = Checker(folder)
    mpath = os.path.join(folder, "manifest.json")

    def refuse_constant(c):
        raise ValueError("JSON constant %s (not standard JSON)" % c)
    try:
        with open(mpath, encoding="utf-8") as fh:
            man = json.load(fh, parse_constant=refuse_constant)
    except (OSError, ValueError) as e:
        ck.err("manifest.json: %s" % e)
        return ck
    if man.get("format") != "stkit-component-models" or not is_int(man.get("version")) or man.get("version") != 1:
        ck.err("manifest.json: format %r version %r, want 'stkit-component-models' version 1" % (man.get("format"), man.get("version")))
        return ck
    check_keys(ck, "manifest.json", man, TOP_OPTIONAL, TOP_REQUIRED)
    for i, cl in enumerate(man.get("clusters") or []):
        check_keys(ck, "manifest.json clusters[%d]" % i, cl, CLUSTER_KEYS, ["k", "weight", "count", "file", "ps_from"])
    if man.get("patch_priors") is not None:
        check_keys(ck, "manifest.json patch_priors", man["patch_priors"], PRIORS_KEYS, ["files", "patch", "mixture_components"])
    for i, r in enumerate(man.get("feature_filters") or []):
        check_keys(ck, "manifest.json feature_filters[%d]" % i, r, FILTER_KEYS, ["file", "a", "b", "features", "channels", "patch", "alpha", "held_aside_r"])
        for j, p in enumerate(r.get("patch_priors") or []):
            check_keys(ck, "manifest.json feature_filters[%d].patch_priors[%d]" % (i, j), p, FILTER_PRIOR_KEYS, FILTER_PRIOR_KEYS)
    C = man.get("n_coefficients")
    labels = man.get("labels") or {}
    if not is_int(C) or len(labels.get("class") or []) != C or len(labels.get("rows") or []) != C:
        ck.err("manifest.json: n_coefficients %r, labels.class %d, labels.rows %d" % (C, len(labels.get("class") or []), len(labels.get("rows") or [])))
    feats = man.get("features") or {}
    D, cols = feats.get("dim"), feats.get("columns") or []
    if not is_int(D) or len(cols) != D:
        ck.err("manifest.json: features.dim %r but %d columns" % (D, len(cols)))
        return ck
    for f, c in enumerate(cols):
        if not is_int(c.get("coeff")) or not 0 <= c["coeff"] < C or c.get("part") not in ("re", "im"):
            ck.err("manifest.json: features.columns[%d] = %r" % (f, c))
    if len(feats.get("mean") or []) != D or len(feats.get("std") or []) != D:
        ck.err("manifest.json: features.mean/std lengths %d, %d for D %d" % (len(feats.get("mean") or []), len(feats.get("std") or []), D))
    S = man.get("samples_per_component")
    nb = len(man.get("ps_bin_edges") or []) - 1
    doc = man.get("npz_members") or {}
    clusters = man.get("clusters") or []
    if not clusters:
        ck.err("manifest.json: no clusters")
    wsum, seen_rows = 0.0, {}
    for i, cl in enumerate(clusters):
        fname = cl.get("file")
        if cl.get("k") != i or fname != "component_%d.npz" % i:
            ck.err("manifest.json: clusters[%d] has k %r, file %r (want %d, component_%d.npz)" % (i, cl.get("k"), fname, i, i))
            continue
        wsum += cl.get("weight", 0.0)
        arrs = ck.load(fname)
        if arrs is None:
            continue
        for name in arrs:
            if name not in doc:
                ck.err("%s: member %r is not documented in manifest npz_members" % (fname, name))
        n_k = cl.get("count")
        mean = ck.expect(fname, arrs, "mean", "float64", [D])
        std = ck.expect(fname, arrs, "std", "float64", [D])
        ck.expect(fname, arrs, "cov", "float64", [D, D], required=bool(man.get("covariance")))
        if not man.get("covariance") and "cov" in arrs:
            ck.err("%s: cov present but the manifest's covariance is false" % fname)
        ck.expect(fname, arrs, "samples", "float64", [S, D])
        ck.expect(fname, arrs, "latents", "float32", [S, None], required=False)
        ck.expect(fname, arrs, "residual_std", "float64", [D], required=False)
        cm = ck.expect(fname, arrs, "coeff_mean", "complex128", [C])
        cs = ck.expect(fname, arrs, "coeff_std", "float64", [C])
        has_data = "data_mean" in arrs or "data_std" in arrs
        ck.expect(fname, arrs, "data_mean", "float64", [D], required=has_data)
        ck.expect(fname, arrs, "data_std", "float64", [D], required=has_data)
        if has_data != (n_k != 0) or (cl.get("ps_from") == "all") != (n_k == 0):
            ck.err("%s: count %r, ps_from %r, data_mean/data_std %s (README: absent and 'all' exactly when the cluster has no patch)" % (fname, n_k, cl.get("ps_from"), "present" if has_data else "absent"))
        pidx = ck.expect(fname, arrs, "patch_index", "int64", [n_k])
        ck.expect(fname, arrs, "data_chi2", "float64", [n_k], required=False)
        ck.expect(fname, arrs, "data_chi2_amp", "float64", [n_k], required=("data_chi2" in arrs))
        for name, req in (("ps", True), ("ps_k", True), ("ps_logmean", True), ("ps_logstd", False)):
            ck.expect(fname, arrs, name, "float64", [nb], required=req)
        ck.expect(fname, arrs, "pixel_moments", "float64", [4])
        ck.expect(fname, arrs, "ps_corner_log", "float64", [2], required=False)
        ck.expect(fname, arrs, "ps_corner_rings", "float64", [2, 2], required=False)
        if mean is not None and cm is not None and len(mean) == D and len(cm) == C:
            want = [0j] * C
            for f, c in enumerate(cols):
                want[c["coeff"]] += complex(0, mean[f]) if c["part"] == "im" else complex(mean[f], 0)
            bad = [i for i in range(C) if want[i] != cm[i]]
            if bad:
                ck.err("%s: coeff_mean differs from mean as complex coefficients at %d coefficients (first %d)" % (fname, len(bad), bad[0]))
        if std is not None and cs is not None and len(std) == D and len(cs) == C:
            v = [0.0] * C
            for f, c in enumerate(cols):
                v[c["coeff"]] += std[f] * std[f]
            worst = max((abs(math.sqrt(v[i]) - cs[i]) / max(cs[i], 1e-300) for i in range(C)), default=0.0)
            if worst > 1e-12:
                ck.err("%s: coeff_std differs from sqrt(sum std^2) by %.3g relative" % (fname, worst))
        for r in pidx or []:
            if r < 0 or r in seen_rows:
                ck.err("%s: patch_index row %d negative or also in %s" % (fname, r, seen_rows.get(r)))
                break
            seen_rows[r] = fname
    if clusters and abs(wsum - 1) > 1e-9:
        ck.err("manifest.json: cluster weights sum to %r" % wsum)
    priors = check_patch_priors(ck, man, len(clusters))
    check_feature_filters(ck, man, priors, len(clusters))
    known = {"manifest.json"} | {cl.get("file") for cl in clusters}
    known |= {f for f in ((man.get("patch_priors") or {}).get("files") or []) if f}
    known |= {r.get("file") for r in man.get("feature_filters") or []}
    for f in sorted(os.listdir(folder)):
        if f not in known:
            ck.warnings.append("%s: in the folder but not named by manifest.json" % f)
    return ck


def check_patch_priors(ck, man, ncomp):
    """Check manifest patch_priors and its files; returns {component: (file, K, P)}."""
    pr = man.get("patch_priors")
    out = {}
    if pr is None:
        return out
    files, P, Kmax = pr.get("files") or [], pr.get("patch"), pr.get("mixture_components")
    doc = pr.get("npz_members") or {}
    if len(files) != ncomp:
        ck.err("manifest.json: patch_priors names %d files for %d components" % (len(files), ncomp))
    used = pr.get("mixture_components_used")  # optional (kcap25)
    if used is not None and not (isinstance(used, list) and len(used) == len(files) and all(is_int(u) for u in used)):
        ck.err("manifest.json: patch_priors.mixture_components_used %r: want one int per file (%d)" % (used, len(files)))
        used = None
    for k, fname in enumerate(files):
        if fname == "":
            if used is not None and used[k] != 0:
                ck.err("manifest.json: patch_priors.mixture_components_used[%d] = %d for a component without a prior (want 0)" % (k, used[k]))
            continue
        if fname != "patch_prior_%d.npz" % k:
            ck.err("manifest.json: patch_priors.files[%d] = %r, want patch_prior_%d.npz" % (k, fname, k))
            continue
        arrs = ck.load(fname)
        if arrs is None:
            continue
        if set(arrs) != {"weights", "means", "covs"}:
            ck.err("%s: members %s, want weights, means, covs" % (fname, sorted(arrs)))
        for name in arrs:
            if name not in doc:
                ck.err("%s: member %r is not documented in patch_priors.npz_members" % (fname, name))
        w = ck.expect(fname, arrs, "weights", "float64", [None])
        K = len(w or [])
        ck.expect(fname, arrs, "means", "float64", [K, P, P])
        ck.expect(fname, arrs, "covs", "float64", [K, P * P if is_int(P) else None, P * P if is_int(P) else None])
        if w is not None:
            if not (is_int(Kmax) and 1 <= K <= Kmax):
                ck.err("%s: %d Gaussians, patch_priors.mixture_components %r" % (fname, K, Kmax))
            if used is not None and not (K <= used[k] and (not is_int(Kmax) or used[k] <= Kmax)):
                ck.err("%s: %d Gaussians, patch_priors.mixture_components_used[%d] %d, mixture_components %r (want K <= used <= mixture_components)" % (fname, K, k, used[k], Kmax))
            if not all(math.isfinite(x) and x > 0 for x in w) or abs(sum(w) - 1) > 1e-6:
                ck.err("%s: weights not all finite and > 0 summing to 1 (sum %r)" % (fname, sum(w)))
        with open(os.path.join(ck.folder, fname), "rb") as fh:
            out[k] = (fname, K, P, hashlib.sha256(fh.read()).hexdigest())
    return out


def check_half_priors(ck, man, r):
    """A filter record's optional half_prior_components_used (fixb25)."""
    hk = r.get("half_prior_components_used")
    if hk is None:
        return
    fname = r.get("file")
    if not (isinstance(hk, list) and len(hk) == 2 and all(isinstance(x, list) and len(x) == 2 and all(is_int(v) for v in x) for x in hk)):
        ck.err("manifest.json: %s: half_prior_components_used %r: want [[int, int], [int, int]] (a's halves, then b's)" % (fname, hk))
        return
    pr = man.get("patch_priors") or {}
    Kmax, used = pr.get("mixture_components"), pr.get("mixture_components_used")
    for c, row in zip((r.get("a"), r.get("b")), hk):
        full = used[c] if isinstance(used, list) and is_int(c) and 0 <= c < len(used) and is_int(used[c]) else Kmax
        for h, v in enumerate(row):
            if not (is_int(full) and 1 <= v <= full):
                ck.err("manifest.json: %s: half_prior_components_used: component %r's half %d fitted with %d components, its full prior with %r (want 1 <= half <= full: a half holds fewer training rows)" % (fname, c, h, v, full))


def check_feature_filters(ck, man, priors, ncomp):
    recs = man.get("feature_filters") or []
    if recs and man.get("patch_priors") is None:
        ck.err("manifest.json: feature_filters without patch_priors (README: a filter refines the patch-prior estimate)")
    for r in recs:
        fname, a, b = r.get("file"), r.get("a"), r.get("b")
        if fname != "feature_filter_%s_%s.npz" % (a, b) or not (is_int(a) and is_int(b) and 0 <= a < ncomp and 0 <= b < ncomp and a != b):
            ck.err("manifest.json: feature filter record file %r, pair %r, %r" % (fname, a, b))
            continue
        arrs = ck.load(fname)
        if arrs is None:
            continue
        doc = r.get("npz_members") or {}
        want = {"weights", "channels", "groups", "pair", "patch", "wavelets", "alpha", "held_aside"}
        if set(arrs) != want:
            ck.err("%s: members %s, want %s" % (fname, sorted(arrs), sorted(want)))
        for name in arrs:
            if name not in doc:
                ck.err("%s: member %r is not documented in its record's npz_members" % (fname, name))
        F = r.get("channels")
        ck.expect(fname, arrs, "weights", "float64", [None, F])
        ch = ck.expect(fname, arrs, "channels", "str", [F])
        gr = ck.expect(fname, arrs, "groups", "str", [None])
        pair = ck.expect(fname, arrs, "pair", "int64", [2])
        patch = ck.expect(fname, arrs, "patch", "int64", [1])
        ck.expect(fname, arrs, "wavelets", "float64", [4])
        alpha = ck.expect(fname, arrs, "alpha", "float64", [1])
        held = ck.expect(fname, arrs, "held_aside", "float64", [2])
        if ch is not None and len(set(ch)) != len(ch):
            ck.err("%s: channels repeat: %r" % (fname, ch))
        if gr is not None and gr != r.get("features"):
            ck.err("%s: groups %r, the record's features %r" % (fname, gr, r.get("features")))
        if pair is not None and pair != [a, b]:
            ck.err("%s: pair %r, the record's a, b = %r, %r" % (fname, pair, a, b))
        if patch is not None and patch != [r.get("patch")]:
            ck.err("%s: patch %r, the record's %r" % (fname, patch, r.get("patch")))
        if alpha is not None and alpha != [r.get("alpha")]:
            ck.err("%s: alpha %r, the record's %r" % (fname, alpha, r.get("alpha")))
        if held is not None and held != r.get("held_aside_r"):
            ck.err("%s: held_aside %r, the record's held_aside_r %r" % (fname, held, r.get("held_aside_r")))
        check_half_priors(ck, man, r)
        pps = r.get("patch_priors")
        if pps is None:
            ck.warnings.append("%s: its record has no patch_priors (a folder exported before they were recorded: not checked)" % fname)
            continue
        if [p.get("component") for p in pps] != [a, b]:
            ck.err("%s: patch_priors records components %r, want [%d, %d]" % (fname, [p.get("component") for p in pps], a, b))
        for p in pps:
            k = p.get("component")
            if k not in priors:
                ck.err("%s: fitted with component %r's patch prior, which the folder does not hold" % (fname, k))
                continue
            pf, K, P, sha = priors[k]
            if p.get("sha256") != sha:
                ck.err("%s: records sha256 %s for component %d's prior, %s has %s" % (fname, p.get("sha256"), k, pf, sha))
            if p.get("mixture_components") != K or p.get("patch") != P:
                ck.err("%s: records K %r, P %r for component %d's prior, %s has K %d, P %r" % (fname, p.get("mixture_components"), p.get("patch"), k, pf, K, P))


def main(argv):
    if len(argv) not in (2, 4) or (len(argv) == 4 and argv[2] != "--checksums"):
        print(__doc__.split("\n\n")[-1], file=sys.stderr)
        return 2
    ck = check_folder(argv[1])
    if len(argv) == 4:
        with open(argv[3], "w", encoding="utf-8") as fh:
            fh.write("".join(line + "\n" for line in ck.lines))
    for w in ck.warnings:
        print("warning: " + w)
    for e in ck.errors:
        print("ERROR: " + e)
    print("%d members read from %s: %d errors, %d warnings" % (ck.members, argv[1], len(ck.errors), len(ck.warnings)))
    return 1 if ck.errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
