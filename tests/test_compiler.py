"""Compilation: contest flags, the content-addressed cache, its lock, PCH, Python."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from judge.compile.compiler import (
    DEFAULT_CXX_FLAGS,
    CompileOptions,
    Compiler,
    Language,
    SourceFile,
    precompiled_header,
)

HELLO = b'#include <bits/stdc++.h>\nint main(){ std::cout << "hi\\n"; }\n'


def unique(body: bytes, tag: str) -> SourceFile:
    """A source no earlier test compiled (the cache is per session)."""
    return SourceFile(f"{tag}.cpp", body + f"\n// {tag}\n".encode())


def test_contest_flags_are_the_default():
    assert DEFAULT_CXX_FLAGS == ("-DEVAL", "-std=gnu++17", "-O2", "-pipe", "-static", "-s")


def test_eval_is_defined_and_binary_is_static(compiler, sandbox, tmp_path):
    code = b'#include <cstdio>\nint main(){\n#ifdef EVAL\nstd::puts("eval");\n#endif\n}\n'
    result = compiler.compile([unique(code, "evalflag")])
    assert result.ok
    assert result.executable.path.read_bytes()[:4] == b"\x7fELF"
    assert b"/lib64/ld-linux" not in result.executable.path.read_bytes()  # static: no dynamic loader


def test_identical_sources_compile_once(compiler):
    source = unique(HELLO, "once")
    first = compiler.compile([source])
    second = compiler.compile([SourceFile(source.name, source.content)])
    assert first.ok and not first.cached
    assert second.cached and second.time == 0.0
    assert second.executable.path == first.executable.path


def test_flags_and_contents_change_the_key(compiler):
    source = unique(HELLO, "keys")
    base = compiler.cache_key(Language.CPP, [source], DEFAULT_CXX_FLAGS)
    assert compiler.cache_key(Language.CPP, [source], ("-O0",)) != base
    assert compiler.cache_key(Language.CPP, [SourceFile(source.name, source.content + b" ")], DEFAULT_CXX_FLAGS) != base
    assert compiler.cache_key(Language.CPP, [source], DEFAULT_CXX_FLAGS) == base


def test_two_workers_asking_at_once_compile_once(compiler):
    source = unique(HELLO, "race")
    results = []
    barrier = threading.Barrier(4)

    def worker():
        barrier.wait()
        results.append(compiler.compile([source]))

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r.ok for r in results)
    assert sum(not r.cached for r in results) == 1
    assert len({r.executable.path for r in results}) == 1


def test_precompiled_header_is_built_once_and_used(compiler):
    pch = precompiled_header(compiler.options.cxx, compiler.options.cxx_flags, compiler.sandbox)
    assert pch is not None and (pch / "bits" / "stdc++.h.gch").stat().st_size > 1_000_000
    result = compiler.compile([unique(HELLO, "pch")])
    assert result.ok and result.used_pch


def test_pch_that_cannot_be_used_falls_back_to_the_header(compiler):
    # a macro defined before the include makes the PCH invalid: GCC must fall back silently
    code = b"#define EXTRA_MACRO 1\n" + HELLO
    result = compiler.compile([unique(code, "pchfallback")])
    assert result.ok


def test_compiling_without_pch(sandbox, tmp_path):
    plain = Compiler(sandbox, CompileOptions(use_pch=False))
    result = plain.compile([unique(HELLO, "nopch")])
    assert result.ok and not result.used_pch


def test_compile_error_carries_the_message_without_sandbox_paths(compiler):
    result = compiler.compile([SourceFile("broken.cpp", b"int main(){ return missing_name; }\n")])
    assert result.status == "CE" and not result.ok
    assert "missing_name" in result.message and "/box/" not in result.message
    assert compiler.compile([SourceFile("broken.cpp", b"int main(){ return missing_name; }\n")]).cached


def test_grader_and_header_link_with_the_submission(compiler):
    header = SourceFile("task.h", b"int answer();\n")
    grader = SourceFile(
        "grader.cpp", b'#include <cstdio>\n#include "task.h"\nint main(){ std::printf("%d", answer()); }\n'
    )
    solution = SourceFile("task.cpp", b'#include "task.h"\nint answer(){ return 42; }\n')
    assert compiler.compile([solution, grader, header]).ok
    broken = SourceFile("task.cpp", b'#include "task.h"\nint other(){ return 42; }\n')
    result = compiler.compile([broken, grader, header])
    assert result.status == "CE" and "answer" in result.message


def test_include_of_a_host_file_cannot_leak(compiler, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE\n")
    secret.chmod(0o600)
    result = compiler.compile([SourceFile("leak.cpp", f'#include "{secret}"\nint main(){{}}\n'.encode())])
    assert result.status == "CE"
    assert "TOP-SECRET-VALUE" not in result.message


def test_python_syntax_check_is_the_compile_step(compiler):
    good = compiler.compile([SourceFile("good.py", b"print(input())\n")])
    assert good.ok and good.language == Language.PYTHON
    assert good.executable.path.read_bytes() == b"print(input())\n"
    bad = compiler.compile([SourceFile("bad.py", b"def f(:\n    pass\n")])
    assert bad.status == "CE" and "SyntaxError" in bad.message


def test_language_from_suffix():
    assert Language.of("a.cpp") == Language.CPP and Language.of("b.cc") == Language.CPP
    assert Language.of("c.py") == Language.PYTHON
    with pytest.raises(ValueError, match="cannot tell the language"):
        Language.of(Path("sol.java"))


def test_bad_source_names_are_rejected(compiler):
    with pytest.raises(ValueError, match="bad source file name"):
        compiler.compile([SourceFile("../escape.cpp", b"int main(){}")])
