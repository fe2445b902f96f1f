#!/usr/bin/python3
"""Evaluate or retrain a ticket exported by `lottery export` with PyTorch alone: no C#, no LotteryActors code.

    lottery export <search-id> w0-t1 --round 3 --out ticket --trained
    /usr/bin/python3 deploy/pytorch/retrain_ticket.py ticket --weights trained      # the card's test accuracy
    /usr/bin/python3 deploy/pytorch/retrain_ticket.py ticket --retrain --seed 1     # train the ticket again

Everything it needs comes from the export folder: card.json says how the inputs were normalised (constants and
splits), the layers in order and the state-dict names; ticket.safetensors holds the masked start weights,
trained.safetensors (with --trained) the weights the round trained to, mask.safetensors the mask (1 = kept).
Debian's python3-torch has no safetensors package, so the format (8-byte little-endian header length, a JSON
header, raw little-endian data) is read here.
"""
import argparse
import gzip
import json
import os
import struct

import torch
import torch.nn.functional as F

DTYPES = {"F32": torch.float32, "F64": torch.float64, "I64": torch.int64, "U8": torch.uint8, "BOOL": torch.bool}


def load_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + length])
    body = data[8 + length:]
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        start, end = entry["data_offsets"]
        dtype = DTYPES[entry["dtype"]]
        flat = torch.frombuffer(bytearray(body[start:end]), dtype=dtype) if end > start else torch.empty(0, dtype=dtype)
        tensors[name] = flat.reshape(entry["shape"]).clone()
    return tensors


def read_idx(path):
    """An IDX file (MNIST's format), gzip or not: big-endian dimensions, then unsigned bytes."""
    opener = gzip.open if os.path.exists(path + ".gz") else open
    with opener(path + ".gz" if opener is gzip.open else path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return torch.frombuffer(bytearray(data[4 + 4 * dims:]), dtype=torch.uint8).reshape(shape)


def load_split(folder, preprocessing, split):
    """One split as the card describes it: a slice of the train or test file, normalised with the card's constants."""
    part = preprocessing["Splits"][split]
    prefix = "train" if part["File"] == "train" else "t10k"
    images = read_idx(os.path.join(folder, prefix + "-images-idx3-ubyte"))[part["Start"]:part["Start"] + part["Count"]]
    labels = read_idx(os.path.join(folder, prefix + "-labels-idx1-ubyte"))[part["Start"]:part["Start"] + part["Count"]]
    channels = len(preprocessing["Mean"])
    mean = torch.tensor(preprocessing["Mean"], dtype=torch.float32).reshape(1, channels, 1, 1)
    std = torch.tensor(preprocessing["Std"], dtype=torch.float32).reshape(1, channels, 1, 1)
    x = images.reshape(-1, channels, images.shape[-2], images.shape[-1]).float().div(255).sub(mean).div(std)
    return x, labels.long()


def forward(layers, params, x):
    """The card's layers, in order, over the state-dict tensors."""
    for layer in layers:
        op = layer["Op"]
        if op == "flatten":
            x = torch.flatten(x, 1)
        elif op == "linear":
            x = F.linear(x, params[layer["Weight"]], params[layer["Bias"]])
        elif op == "conv2d":
            x = F.conv2d(x, params[layer["Weight"]], params[layer["Bias"]], stride=1, padding=layer["Padding"])
        elif op == "relu":
            x = F.relu(x)
        elif op == "max-pool2d":
            x = F.max_pool2d(x, layer["Kernel"])
        else:
            raise ValueError(f"unknown layer op '{op}' in card.json")
    return x


def accuracy(layers, params, x, y, batch=1000):
    with torch.no_grad():
        correct = sum((forward(layers, params, x[i:i + batch]).argmax(1) == y[i:i + batch]).sum().item()
                      for i in range(0, len(y), batch))
    return correct / len(y)


def iterations(duration, per_epoch):
    if isinstance(duration, str):
        value, unit = int(duration[:-2]), ("Epochs" if duration.endswith("ep") else "Iterations")
    else:
        value, unit = duration["Value"], duration["Unit"]
    return value * per_epoch if unit.lower().startswith("ep") else value


def retrain(card, params, mask, x, y, seed):
    """The card's recipe (optimizer, learning rate, batch size, duration) under the mask, in a fresh data order."""
    recipe = card["Spec"]["Training"]
    torch.manual_seed(seed)
    trainable = list(params.values())
    for p in trainable:
        p.requires_grad_(True)
    if recipe["Optimizer"] == "adam":
        optimizer = torch.optim.Adam(trainable, lr=recipe["LearningRate"], weight_decay=recipe["WeightDecay"])
    else:
        optimizer = torch.optim.SGD(trainable, lr=recipe["LearningRate"], momentum=recipe["Momentum"],
                                    weight_decay=recipe["WeightDecay"])
    batch = recipe["BatchSize"]
    total = iterations(recipe["Duration"], max(1, len(y) // batch))
    step = 0
    while step < total:
        order = torch.randperm(len(y))
        for i in range(0, len(y) - batch + 1, batch):
            if step == total:
                break
            index = order[i:i + batch]
            optimizer.zero_grad()
            F.cross_entropy(forward(card["Architecture"]["Layers"], params, x[index]), y[index]).backward()
            optimizer.step()
            with torch.no_grad():
                for name, kept in mask.items():
                    params[name].mul_(kept)
            step += 1


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("ticket", help="folder written by `lottery export`")
    parser.add_argument("--weights", choices=["ticket", "trained"], default="ticket",
                        help="ticket.safetensors (start weights x mask) or trained.safetensors (export --trained)")
    parser.add_argument("--data", help="folder of the IDX files (default: the dataset path in the card's spec)")
    parser.add_argument("--retrain", action="store_true", help="train the weights again with the card's recipe")
    parser.add_argument("--seed", type=int, default=0, help="data order of --retrain")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a sentence")
    args = parser.parse_args()

    with open(os.path.join(args.ticket, "card.json")) as f:
        card = json.load(f)
    if card["Format"] < 2:
        raise SystemExit("card.json format 1 has no preprocessing or architecture: export the ticket again")
    params = {name: t.float() for name, t in
              load_safetensors(os.path.join(args.ticket, args.weights + ".safetensors")).items()}
    mask = {name: t.float() for name, t in load_safetensors(os.path.join(args.ticket, "mask.safetensors")).items()}
    with torch.no_grad():
        for name, kept in mask.items():
            params[name].mul_(kept)
    preprocessing, layers = card["Preprocessing"], card["Architecture"]["Layers"]
    data = args.data or card["Spec"]["Dataset"]["Path"]
    if args.retrain:
        retrain(card, params, mask, *load_split(data, preprocessing, "Fit"), args.seed)
    test_x, test_y = load_split(data, preprocessing, "Test")
    result = {"weights": args.weights, "retrained": args.retrain,
              "test_accuracy": accuracy(layers, params, test_x, test_y),
              "card_test_accuracy": card["Metrics"]["TestAccuracy"], "density": card["Density"]}
    if args.json:
        print(json.dumps(result))
    else:
        print(f"{card['Ticket']} round {card['Round']} ({args.weights} weights{', retrained' if args.retrain else ''}, "
              f"density {card['Density']:.4f}): test accuracy {result['test_accuracy']:.4f}, "
              f"card {result['card_test_accuracy']:.4f}")


if __name__ == "__main__":
    main()
