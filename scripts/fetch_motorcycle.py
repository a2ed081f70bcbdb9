#!/usr/bin/env python3
"""Builds examples/motorcycle, a real RGB-D scene directory, from the Middlebury 2014
Motorcycle stereo pair that the scikit-image wheel ships (left photo + ground-truth
disparity). Standard library only; the wheel is fetched from PyPI, pinned by version and
sha256, and nothing else is downloaded.

depth_mm = 994.978 * 193.001 / (disparity + 31.086)   (focal length x baseline / (d + doffs))
fx = fy = 994.978, cx = 311.193, cy = 254.877; unknown disparity (inf) becomes depth 0.
"""
import array, hashlib, io, json, os, subprocess, sys, zipfile

VERSION = "0.25.2"
WHEEL = f"scikit_image-{VERSION}-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"
SHA256 = "24cc986e1f4187a12aa319f777b36008764e856e5013666a4a83f8df083c2641"
FOCAL, BASELINE_MM, DOFFS = 994.978, 193.001, 31.086
CX, CY = 311.193, 254.877

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
cache = os.path.join(root, ".setup-cache")
out = os.path.join(root, "examples", "motorcycle")


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def fetch():
    os.makedirs(cache, exist_ok=True)
    path = os.path.join(cache, WHEEL)
    if not (os.path.exists(path) and sha256(path) == SHA256):
        subprocess.run(
            [sys.executable, "-m", "pip", "download", f"scikit-image=={VERSION}", "--no-deps",
             "--only-binary=:all:", "--python-version", "3.11", "--implementation", "cp", "--abi", "cp311",
             "--platform", "manylinux2014_x86_64", "-d", cache, "-q"],
            check=True)
    got = sha256(path)
    if got != SHA256:
        sys.exit(f"{WHEEL}: sha256 {got} does not match the pinned {SHA256}")
    return zipfile.ZipFile(path)


def parse_npy(data):
    assert data[:6] == b"\x93NUMPY", "not a .npy file"
    hlen = int.from_bytes(data[8:10], "little")
    header = data[10:10 + hlen].decode("latin1")
    assert "'<f4'" in header and "False" in header, header
    shape = tuple(int(s) for s in header.split("(")[1].split(")")[0].split(",") if s.strip())
    values = array.array("f")
    values.frombytes(data[10 + hlen:10 + hlen + 4 * shape[0] * shape[1]])
    if sys.byteorder != "little":
        values.byteswap()
    return shape, values


def write_npy(path, shape, values):
    header = "{'descr': '<f4', 'fortran_order': False, 'shape': (%d, %d), }" % shape
    header += " " * ((64 - (10 + len(header) + 1) % 64) % 64) + "\n"
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header.encode("latin1"))
        f.write(values.tobytes())


def main():
    stamp = os.path.join(out, ".source")
    if os.path.exists(stamp) and open(stamp).read().strip() == SHA256:
        return
    wheel = fetch()
    disp_npz = zipfile.ZipFile(io.BytesIO(wheel.read("skimage/data/motorcycle_disp.npz")))
    shape, disp = parse_npy(disp_npz.read("arr_0.npy"))
    depth = array.array("f", (
        FOCAL * BASELINE_MM / (d + DOFFS) / 1000.0 if d == d and d != float("inf") and d + DOFFS > 0 else 0.0
        for d in disp))
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "rgb.png"), "wb") as f:
        f.write(wheel.read("skimage/data/motorcycle_left.png"))
    write_npy(os.path.join(out, "depth.npy"), shape, depth)
    with open(os.path.join(out, "camera.json"), "w") as f:
        json.dump({"fx": FOCAL, "fy": FOCAL, "cx": CX, "cy": CY}, f, indent=2)
        f.write("\n")
    known = sum(1 for z in depth if z > 0)
    with open(stamp, "w") as f:
        f.write(SHA256 + "\n")
    print(f"examples/motorcycle: {shape[1]}x{shape[0]}, {known} pixels with depth "
          f"({min(z for z in depth if z > 0):.2f}-{max(depth):.2f} m)")


if __name__ == "__main__":
    main()
