# SPDX-License-Identifier: Apache-2.0
"""Builds the `triage._core` extension with the project's CMake build (pyproject.toml).

CMake configures the project with only the library and the module (no CLI, tests or install
rules) in build/pip (TRIAGE_PIP_BUILD_DIR to change it) and builds the `triage_python` target;
the module is then copied where setuptools expects the extension. TRIAGE_PIP_BUILD_TYPE sets the
build type (default Release), TRIAGE_CMAKE_ARGS adds CMake arguments, CMAKE_BUILD_PARALLEL_LEVEL
sets the build's parallelism (default 2).
"""

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).resolve().parent


def project_version() -> str:
    text = (ROOT / "CMakeLists.txt").read_text()
    return re.search(r"project\(triage VERSION ([0-9.]+)", text).group(1)


class CMakeExtension(Extension):
    def __init__(self, name: str) -> None:
        super().__init__(name, sources=[])


class CMakeBuild(build_ext):
    def build_extension(self, ext: Extension) -> None:
        build_dir = Path(os.environ.get("TRIAGE_PIP_BUILD_DIR", ROOT / "build" / "pip"))
        args = [
            f"-DPython3_EXECUTABLE={sys.executable}",
            f"-DCMAKE_BUILD_TYPE={os.environ.get('TRIAGE_PIP_BUILD_TYPE', 'Release')}",
            "-DTRIAGE_BUILD_PYTHON=ON",
            "-DTRIAGE_BUILD_CLI=OFF",
            "-DTRIAGE_BUILD_TESTS=OFF",
            "-DTRIAGE_BUILD_BENCH=OFF",
            "-DTRIAGE_INSTALL=OFF",
        ]
        try:  # pybind11 from PyPI (build isolation); Debian's pybind11-dev is found by CMake
            import pybind11
            args.append(f"-Dpybind11_DIR={pybind11.get_cmake_dir()}")
        except ImportError:
            pass
        if shutil.which("ninja"):
            args += ["-G", "Ninja"]
        args += shlex.split(os.environ.get("TRIAGE_CMAKE_ARGS", ""))
        subprocess.run(["cmake", "-S", str(ROOT), "-B", str(build_dir), *args], check=True)
        jobs = os.environ.get("CMAKE_BUILD_PARALLEL_LEVEL", "2")
        subprocess.run(["cmake", "--build", str(build_dir), "--target", "triage_python",
                        "-j", jobs], check=True)
        built = sorted((build_dir / "python" / "triage").glob("_core*.so"))
        if not built:
            raise RuntimeError(f"the CMake build left no _core module in {build_dir}")
        target = Path(self.get_ext_fullpath(ext.name))
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(built[-1], target)


(ROOT / "build" / "pip-setuptools").mkdir(parents=True, exist_ok=True)

setup(
    version=project_version(),
    ext_modules=[CMakeExtension("triage._core")],
    cmdclass={"build_ext": CMakeBuild},
    zip_safe=False,
    # setuptools' own scratch space, out of the way of CMake's build/ trees.
    options={"build": {"build_base": str(Path("build") / "pip-setuptools")},
             "egg_info": {"egg_base": str(Path("build") / "pip-setuptools")}},
)
