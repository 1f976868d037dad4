"""Benchmark: TeX to MathML converters on formulas common in tech articles.

    python bench/tex_math.py [--runs 20]

Converts each formula with math-core (what newsdesk uses) and latex2mathml (the
`bench` extra): how many convert without an error, and microseconds per formula
(median over the runs). Whether a converted formula is right is judged by eye:
`--show` prints both outputs of each formula.
"""

import argparse
import contextlib
import statistics
import time
from collections.abc import Callable

import latex2mathml.converter
import math_core

FORMULAS = [
    r"E = mc^2",
    r"\frac{a}{b}",
    r"\sqrt{x^2+y^2}",
    r"\sum_{i=1}^{n} i = \frac{n(n+1)}{2}",
    r"\int_0^\infty e^{-x^2}\,dx = \frac{\sqrt{\pi}}{2}",
    r"\begin{pmatrix} a & b \\ c & d \end{pmatrix}",
    r"\begin{bmatrix}1&0\\0&1\end{bmatrix}",
    r"\mathbb{R}^n",
    r"\alpha + \beta \geq \gamma",
    r"\lim_{x \to 0} \frac{\sin x}{x} = 1",
    r"f(x) = \begin{cases} 1 & x > 0 \\ 0 & \text{otherwise} \end{cases}",
    r"\mathcal{L}(\theta) = -\sum_i y_i \log \hat{y}_i",
    r"\operatorname{softmax}(z)_i = \frac{e^{z_i}}{\sum_j e^{z_j}}",
    r"\mathrm{Attention}(Q,K,V) = \mathrm{softmax}\left(\frac{QK^T}{\sqrt{d_k}}\right)V",
    r"\begin{aligned} a &= b + c \\ d &= e \end{aligned}",
    r"\overline{AB} \cdot \vec{v}",
    r"\binom{n}{k}",
    r"x_{i,j}^{(t)}",
    r"\left\| \mathbf{w} \right\|_2",
    r"\nabla \times \mathbf{E} = -\frac{\partial \mathbf{B}}{\partial t}",
    r"O(n \log n)",
    r"\text{损失函数} = \frac{1}{N}",
    r"\hat{\theta} = \arg\max_\theta p(x|\theta)",
    r"a \bmod b",
    r"\{1, 2, 3\}",
    r"\mathbf{x} \in \mathbb{R}^{d}",
    r"\frac{1}{1+e^{-x}}",
    r"\underbrace{a+b}_{n}",
    r"\tilde{x} \approx \dot{y}",
    r"\prod_{k=1}^n k = n!",
    r"\left( \frac{a}{b} \right)^2",
    r"\leq \neq \infty \partial",
]

Convert = Callable[[str], str]


def converters() -> dict[str, Convert]:
    core = math_core.LatexToMathML()
    return {
        "math-core": lambda tex: core.convert_with_local_state(tex, displaystyle=False),
        "latex2mathml": lambda tex: str(latex2mathml.converter.convert(tex)),
    }


def failures(convert: Convert) -> list[str]:
    failed = []
    for tex in FORMULAS:
        try:
            convert(tex)
        except Exception:  # each converter raises its own errors
            failed.append(tex)
    return failed


def microseconds(convert: Convert, runs: int) -> float:
    """Median time per formula; formulas that fail are timed failing."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        for tex in FORMULAS:
            with contextlib.suppress(Exception):
                convert(tex)
        times.append((time.perf_counter() - start) / len(FORMULAS) * 1e6)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--show", action="store_true")
    args = parser.parse_args()
    found = converters()
    speeds = {name: microseconds(convert, args.runs) for name, convert in found.items()}
    fastest = min(speeds.values())
    for name, convert in found.items():
        failed = failures(convert)
        speed = speeds[name]
        print(
            f"{name:13} {len(FORMULAS) - len(failed)}/{len(FORMULAS)} converted"
            f"  {speed:8.1f} µs/formula  {speed / fastest:5.1f}×"
        )
        for tex in failed:
            print(f"    failed: {tex}")
    if args.show:
        for tex in FORMULAS:
            print(tex)
            for name, convert in found.items():
                print(f"  {name}: {convert(tex)}")


if __name__ == "__main__":
    main()
