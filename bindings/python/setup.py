"""Marks the wheel as platform-specific (but Python-version independent) when it
bundles libwir.so (make wheel): the library is C, not a CPython extension."""
from pathlib import Path

from setuptools import setup
from setuptools.dist import Distribution

try:
    from wheel.bdist_wheel import bdist_wheel
except ImportError:  # building an sdist or installing from source without wheel
    bdist_wheel = None

BUNDLED = Path(__file__).with_name("src").joinpath("wir", "libwir.so").exists()


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

setup(distclass=BinaryDistribution, cmdclass=commands)
