#!/usr/bin/env python3
"""Convert DA-CLIP's daclip_ViT-B-32.pt into the safetensors file Rgsud's DA-CLIP scorer reads.

Run it where PyTorch, safetensors and DA-CLIP's open_clip fork (github.com/Algolzw/daclip-uir) are installed:

    python tools/convert_daclip.py daclip_ViT-B-32.pt daclip_ViT-B-32.safetensors \
        --daclip-src path/to/daclip-uir/universal-image-restoration

The output holds only what Rgsud needs, under DA-CLIP's own state-dict names:
  * clip.visual.*      the base CLIP image tower (ViT-B/32),
  * visual_control.*   the DA-CLIP controller (tower copy + one zero-initialised Linear per block),
  * text_embeddings    [K, 512] float32, the L2-normalised text features of the K degradation words, computed
                       exactly as DA-CLIP's examples do (tokenizer(words) -> encode_text -> / norm),
and __metadata__ with format "rgsud.daclip", format_version "1", the words (JSON) and the tower shape. The text
tower, logit scale and the duplicate "visual.*" entries (an alias of clip.visual) are dropped, so .NET needs no
tokenizer. See docs/weights.md in the Rgsud repository.

Optionally (--reference-image, --reference-json) the script also writes DA-CLIP's own degradation probabilities for
one image, computed with DA-CLIP's own preprocessing, to compare with `rgsud score --scorer daclip`.
"""

import argparse
import json
import os
import sys

FORMAT = "rgsud.daclip"
FORMAT_VERSION = "1"
IMAGE_SIZE = 224
DEGRADATIONS = [
    "motion-blurry", "hazy", "jpeg-compressed", "low-light", "noisy",
    "raindrop", "rainy", "shadowed", "snowy", "uncompleted",
]
TOWER_PREFIXES = ("clip.visual.", "visual_control.")
BLOCK_TENSORS = [
    "ln_1.weight", "ln_1.bias",
    "attn.in_proj_weight", "attn.in_proj_bias", "attn.out_proj.weight", "attn.out_proj.bias",
    "ln_2.weight", "ln_2.bias",
    "mlp.c_fc.weight", "mlp.c_fc.bias", "mlp.c_proj.weight", "mlp.c_proj.bias",
]
TOWER_TENSORS = [
    "conv1.weight", "class_embedding", "positional_embedding", "ln_pre.weight", "ln_pre.bias",
    "ln_post.weight", "ln_post.bias", "proj",
]


def expected_names(layers):
    """Every tensor name of the converted file for a tower of `layers` blocks (what Rgsud's DaClipModel holds)."""
    names = []
    for prefix, blocks in (("clip.visual.", "transformer.resblocks"),
                           ("visual_control.", "transformer.transformer.resblocks")):
        names += [prefix + t for t in TOWER_TENSORS]
        for i in range(layers):
            names += [f"{prefix}{blocks}.{i}.{t}" for t in BLOCK_TENSORS]
    for i in range(layers):
        names += [f"visual_control.transformer.zero_modules.{i}.weight",
                  f"visual_control.transformer.zero_modules.{i}.bias"]
    names.append("text_embeddings")
    return names


def fail(message):
    print(f"convert_daclip: error: {message}", file=sys.stderr)
    sys.exit(1)


def check_architecture(model):
    """Rgsud implements exactly open_clip's plain ViT with exact GELU; refuse anything else."""
    import torch.nn as nn
    for name in ("visual", "visual_control"):
        tower = model.clip.visual if name == "visual" else model.visual_control
        if getattr(tower, "input_patchnorm", False):
            fail(f"{name}: input_patchnorm is not supported")
        if getattr(tower, "attn_pool", None) is not None or getattr(tower, "global_average_pool", False):
            fail(f"{name}: only class-token pooling is supported")
        blocks = tower.transformer.resblocks if name == "visual" else tower.transformer.transformer.resblocks
        for block in blocks:
            if not isinstance(block.mlp.gelu, nn.GELU) or getattr(block.mlp.gelu, "approximate", "none") != "none":
                fail(f"{name}: activation is {type(block.mlp.gelu).__name__}, Rgsud implements exact nn.GELU "
                     "(daclip_ViT-B-32 has no quick_gelu)")
            if not isinstance(block.ls_1, nn.Identity) or not isinstance(block.ls_2, nn.Identity):
                fail(f"{name}: layer scale is not supported")
            if not isinstance(block.attn, nn.MultiheadAttention):
                fail(f"{name}: attention is {type(block.attn).__name__}, expected nn.MultiheadAttention")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("input", help="DA-CLIP checkpoint, e.g. daclip_ViT-B-32.pt")
    parser.add_argument("output", help="safetensors file to write, e.g. daclip_ViT-B-32.safetensors")
    parser.add_argument("--daclip-src", help="folder holding DA-CLIP's open_clip package (prepended to sys.path), "
                        "e.g. daclip-uir/universal-image-restoration or daclip-uir/da-clip/src")
    parser.add_argument("--model-name", default="daclip_ViT-B-32", help="DA-CLIP model config (default daclip_ViT-B-32)")
    parser.add_argument("--tokenizer", default="ViT-B-32", help="open_clip tokenizer name (DA-CLIP uses ViT-B-32)")
    parser.add_argument("--words", default=",".join(DEGRADATIONS),
                        help="comma-separated degradation words (default: DA-CLIP's ten)")
    parser.add_argument("--reference-image", help="also compute DA-CLIP's probabilities for this image")
    parser.add_argument("--reference-json", help="where to write them (JSON; default: print)")
    args = parser.parse_args(argv)

    words = [w.strip() for w in args.words.split(",") if w.strip()]
    if len(words) < 2 or len(set(words)) != len(words):
        fail("--words must list at least two distinct words")
    if not os.path.isfile(args.input):
        fail(f"{args.input}: file not found")

    if args.daclip_src:
        sys.path.insert(0, os.path.abspath(args.daclip_src))
    import torch
    try:
        from safetensors.torch import save_file
    except ImportError:
        fail("the 'safetensors' package is needed: pip install safetensors")
    try:
        import open_clip
    except ImportError:
        fail("DA-CLIP's open_clip fork is not importable; pass --daclip-src (the folder that holds its open_clip/)")

    model, preprocess = open_clip.create_model_from_pretrained(args.model_name, pretrained=args.input)
    if not hasattr(model, "visual_control"):
        fail(f"{args.model_name} did not build a DA-CLIP model (no visual_control): is this DA-CLIP's open_clip fork?")
    model = model.to("cpu").float().eval()
    check_architecture(model)
    tokenizer = open_clip.get_tokenizer(args.tokenizer)

    with torch.no_grad():
        text_features = model.encode_text(tokenizer(words))
        text_features = text_features / text_features.norm(dim=-1, keepdim=True)

    state = model.state_dict()
    tensors = {k: v for k, v in state.items() if k.startswith(TOWER_PREFIXES)}
    conv1 = tensors["clip.visual.conv1.weight"]
    width, patch = conv1.shape[0], conv1.shape[-1]
    layers = len(model.clip.visual.transformer.resblocks)
    heads = model.clip.visual.transformer.resblocks[0].attn.num_heads
    output_dim = tensors["clip.visual.proj"].shape[1]
    grid = IMAGE_SIZE // patch
    if tensors["clip.visual.positional_embedding"].shape[0] != grid * grid + 1:
        fail(f"positional_embedding has {tensors['clip.visual.positional_embedding'].shape[0]} rows, "
             f"expected {grid * grid + 1} for {IMAGE_SIZE} px and patch {patch}")
    tensors["text_embeddings"] = text_features

    expected = expected_names(layers)
    missing = sorted(set(expected) - set(tensors))
    unexpected = sorted(set(tensors) - set(expected))
    if missing or unexpected:
        fail(f"the checkpoint's names differ from what Rgsud expects: missing {missing}, unexpected {unexpected}")
    tensors = {k: tensors[k].detach().to(torch.float32).contiguous().clone() for k in expected}

    metadata = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "degradations": json.dumps(words),
        "image_size": str(IMAGE_SIZE),
        "patch_size": str(patch),
        "width": str(width),
        "layers": str(layers),
        "heads": str(heads),
        "output_dim": str(output_dim),
        "source": os.path.basename(args.input),
        "model_name": args.model_name,
        "text_prompts": f"open_clip.get_tokenizer('{args.tokenizer}')(word) -> encode_text -> L2-normalised",
    }
    save_file(tensors, args.output, metadata=metadata)
    count = sum(t.numel() for k, t in tensors.items() if k != "text_embeddings")
    print(f"wrote {args.output}: {len(tensors)} tensors, {count:,} tower parameters, "
          f"{len(words)} text embeddings (patch {patch}, width {width}, {layers} layers, {heads} heads, output {output_dim})")

    if args.reference_image:
        from PIL import Image
        image = preprocess(Image.open(args.reference_image).convert("RGB")).unsqueeze(0)
        with torch.no_grad():
            _, degra = model.encode_image(image, control=True)
            degra = degra / degra.norm(dim=-1, keepdim=True)
            probs = (100.0 * degra @ text_features.T).softmax(dim=-1)[0].tolist()
        report = {"image": os.path.basename(args.reference_image), "degradations": dict(zip(words, probs))}
        if "rainy" in words:
            report["reward_1_minus_rainy"] = 1.0 - probs[words.index("rainy")]
        text = json.dumps(report, indent=2)
        if args.reference_json:
            with open(args.reference_json, "w", encoding="utf-8") as f:
                f.write(text + "\n")
        else:
            print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
