"""Takes the version from the C header (Include/wir.h, the one place it is written), and marks
the wheel as platform-specific (but Python-version independent) when it bundles libwir.so
(make wheel): the library is C, not a CPython extension."""
import re
from pathlib import Path

from setuptools import setup
from setuptools.dist import Distribution

try:
    from wheel.bdist_wheel import bdist_wheel
except ImportError:  # building an sdist or installing from source without wheel
    bdist_wheel = None

BUNDLED = Path(__file__).with_name("src").joinpath("wir", "libwir.so").exists()
HEADER = Path(__file__).resolve().parent.parent.parent / "Include" / "wir.h"


def header_version() -> str:
    """MAJOR.MINOR.PATCH from the WIR_VERSION_* macros of wir.h."""
    if not HEADER.exists():
        raise SystemExit(f"wir: the version comes from {HEADER}, which is missing; build from a checkout of wir")
    text = HEADER.read_text()
    parts = [re.search(rf"#define WIR_VERSION_{part} (\d+)", text) for part in ("MAJOR", "MINOR", "PATCH")]
    if not all(parts):
        raise SystemExit(f"wir: {HEADER} does not define WIR_VERSION_MAJOR, _MINOR and _PATCH")
    return ".".join(match.group(1) for match in parts)


class BinaryDistribution(Distribution):
    def has_ext_modules(self) -> bool:
        return BUNDLED


commands = {}
if bdist_wheel is not None:
    class PlatformWheel(bdist_wheel):
        def get_tag(self):
            python, abi, platform = super().get_tag()
            return ("py3", "none", platform) if BUNDLED else (python, abi, platform)
    commands["bdist_wheel"] = PlatformWheel

setup(version=header_version(), distclass=BinaryDistribution, cmdclass=commands)
