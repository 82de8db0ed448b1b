#!/usr/bin/env python3
"""Authors data/presets/presets.json: 46 ARKit-52 presets (15 classes x L1/L3/L5 + neutral).

Run from the repository root:  python3 data/presets/author_presets.py
The output is committed; this script is kept so the authoring is reviewable.

Sources: ../shared/research/expression-reference.md §3.1 (FACS AU prototypes), §3.2 (AU -> ARKit,
Meta's mapping) and §3.3 (suggested full-intensity presets). Each class's L5 row below is the §3.3
row, completed with the extra AUs of §3.1 that give the class its own character. L3 and L1 scale
the L5 row toward neutral by the same factors the anchor file uses for VAD (0.70 and 0.35), except:
  - jawOpen and eyeWide read as "big" quickly, so they grow less than linearly with intensity at
    the low end: factor s**1.5 (0.21 at L1, 0.59 at L3);
  - gaze (eyeLook*) is a head/gaze offset: dropped at L1, 0.7 at L3.
The `vad` of every preset is copied from data/emotion/emotion_vad_anchors.json (validated on load).
"""
import json
import os

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")

NAMES = [
    "eyeBlinkLeft", "eyeLookDownLeft", "eyeLookInLeft", "eyeLookOutLeft", "eyeLookUpLeft",
    "eyeSquintLeft", "eyeWideLeft", "eyeBlinkRight", "eyeLookDownRight", "eyeLookInRight",
    "eyeLookOutRight", "eyeLookUpRight", "eyeSquintRight", "eyeWideRight", "jawForward", "jawLeft",
    "jawRight", "jawOpen", "mouthClose", "mouthFunnel", "mouthPucker", "mouthLeft", "mouthRight",
    "mouthSmileLeft", "mouthSmileRight", "mouthFrownLeft", "mouthFrownRight", "mouthDimpleLeft",
    "mouthDimpleRight", "mouthStretchLeft", "mouthStretchRight", "mouthRollLower", "mouthRollUpper",
    "mouthShrugLower", "mouthShrugUpper", "mouthPressLeft", "mouthPressRight", "mouthLowerDownLeft",
    "mouthLowerDownRight", "mouthUpperUpLeft", "mouthUpperUpRight", "browDownLeft", "browDownRight",
    "browInnerUp", "browOuterUpLeft", "browOuterUpRight", "cheekPuff", "cheekSquintLeft",
    "cheekSquintRight", "noseSneerLeft", "noseSneerRight", "tongueOut",
]

# Full-intensity (L5) rows. A bare name without Left/Right that has L/R variants sets both sides
# ("+L/R" in the research notes); "eyeLookDown" sets eyeLookDownLeft and eyeLookDownRight.
L5 = {
    # AU 6+12(+25): Duchenne smile, lips just parted.
    "joy": {"mouthSmile": .80, "cheekSquint": .60, "eyeSquint": .30, "jawOpen": .12,
            "mouthLowerDown": .15, "mouthDimple": .15},
    # AU 6+12+25/26(+53): broad open-mouth laugh; a touch of asymmetry keeps it alive.
    "amusement": {"mouthSmileLeft": 1.0, "mouthSmileRight": .95, "cheekSquint": .80, "eyeSquint": .50,
                  "jawOpen": .45, "mouthLowerDown": .35, "mouthUpperUp": .25, "eyeBlink": .10},
    # AU 1+2+5+6+12+26: raised brows and wide eyes on top of a big smile.
    "excitement": {"mouthSmile": .85, "cheekSquint": .50, "browInnerUp": .45, "browOuterUp": .55,
                   "eyeWide": .40, "jawOpen": .35, "mouthUpperUp": .20, "mouthLowerDown": .20},
    # soft 6+12 + AU1: warm closed smile, slight brow lift, small nod (gaze down a little).
    "gratitude": {"mouthSmile": .50, "cheekSquint": .35, "eyeSquint": .20, "browInnerUp": .30,
                  "mouthPress": .10, "eyeLookDown": .10, "eyeBlink": .05},
    # soft 6+12 with relaxed lids and a hint of pucker (tenderness).
    "affection": {"mouthSmile": .45, "cheekSquint": .40, "eyeSquint": .35, "eyeBlink": .15,
                  "browInnerUp": .25, "mouthPucker": .10, "mouthDimple": .10},
    # AU 1+2+5B+26: brows up, eyes wide, jaw drops.
    "surprise": {"browInnerUp": .90, "browOuterUp": .90, "eyeWide": .75, "jawOpen": .50,
                 "mouthFunnel": .10, "mouthLowerDown": .10},
    # AU 1+2 asymmetric +5 +25: ONE brow raised (left), the other eye slightly narrowed.
    "curiosity": {"browOuterUpLeft": .50, "browOuterUpRight": .20, "browInnerUp": .30, "eyeWide": .25,
                  "eyeSquintRight": .12, "jawOpen": .08, "mouthPress": .05},
    # AU 4+7 asymmetric (Rozin & Cohen 2003): one brow knits down, the other lifts; mouth pulled aside.
    "confusion": {"browDownLeft": .60, "browDownRight": .30, "browOuterUpRight": .15, "browInnerUp": .20,
                  "eyeSquintLeft": .40, "eyeSquintRight": .25, "mouthPress": .20, "mouthLeft": .15,
                  "mouthShrugUpper": .10, "mouthFrownLeft": .10},
    # AU 1+4+15(+17): oblique brows, corners down, chin raised, heavy lids, gaze down.
    "sadness": {"browInnerUp": .80, "browDown": .25, "mouthFrown": .70, "mouthShrugLower": .30,
                "eyeBlink": .15, "eyeLookDown": .25, "mouthPress": .10, "eyeSquint": .10},
    # AU 17+18/22+15(+4): the pout - chin pushes the lower lip out, lips pucker; gaze to the side.
    "sulk": {"mouthShrugLower": .60, "mouthPucker": .40, "mouthFrown": .35, "mouthPress": .20,
             "browDown": .35, "browInnerUp": .15, "eyeLookOutLeft": .30, "eyeLookInRight": .30,
             "cheekPuff": .10},
    # AU 1(+4)+24+12 small+64: appeasement - pressed lips, small smile, worried brows, gaze down.
    "apology": {"browInnerUp": .60, "browDown": .15, "mouthPress": .35, "mouthSmile": .15,
                "mouthFrown": .20, "eyeLookDown": .35, "eyeBlink": .10, "mouthRollLower": .05},
    # AU 1+2+4+5+(7)+20+26: raised and drawn-together brows, wide eyes, lips stretched.
    "fear": {"browInnerUp": .80, "browOuterUp": .50, "browDown": .30, "eyeWide": .80, "eyeSquint": .15,
             "mouthStretch": .60, "jawOpen": .25, "mouthLowerDown": .10},
    # AU 4+5+7+23/24: lowered brows, glare, pressed lips, slight sneer, jaw forward.
    "anger": {"browDown": .85, "eyeWide": .30, "eyeSquint": .50, "mouthPress": .50, "mouthRollLower": .15,
              "noseSneer": .25, "jawForward": .15, "mouthFrown": .25},
    # AU 9+10+15+16(+17): asymmetric sneer, stronger on the left.
    "disgust": {"noseSneerLeft": .85, "noseSneerRight": .65, "mouthUpperUpLeft": .60,
                "mouthUpperUpRight": .45, "cheekSquintLeft": .35, "cheekSquintRight": .25,
                "browDownLeft": .45, "browDownRight": .35, "eyeSquint": .35, "mouthFrown": .30,
                "mouthLowerDown": .15, "mouthShrugLower": .20},
    # AU 12+24+28+64(+54) (Keltner 1995): controlled smile, pressed/sucked lips, eyes down and aside.
    "embarrassment": {"mouthSmile": .40, "mouthPress": .45, "mouthRollLower": .15, "cheekSquint": .20,
                      "browInnerUp": .20, "eyeLookDown": .60, "eyeLookOutLeft": .15,
                      "eyeLookInRight": .15, "eyeBlink": .10},
}

LEVEL_SCALE = {"L1": 0.35, "L3": 0.70, "L5": 1.00}
SUBLINEAR = ("jawOpen", "eyeWideLeft", "eyeWideRight")  # factor s**1.5


def expand(row):
    out = {n: 0.0 for n in NAMES}
    for key, v in row.items():
        if key in out:
            out[key] = v
            continue
        sides = [key + "Left", key + "Right"]
        if not all(s in out for s in sides):
            raise SystemExit("unknown channel " + key)
        for s in sides:
            out[s] = v
    return out


def level_weights(full, level):
    s = LEVEL_SCALE[level]
    out = {}
    for n in NAMES:
        v = full[n]
        if n.startswith("eyeLook"):
            f = 0.0 if level == "L1" else s
        elif n in SUBLINEAR:
            f = s ** 1.5
        else:
            f = s
        out[n] = round(v * f, 4)
    return out


def main():
    with open(os.path.join(ROOT, "data", "emotion", "emotion_vad_anchors.json")) as f:
        anchors = json.load(f)
    presets = [{"emotion": "neutral", "level": "L3", "vad": anchors["neutral"]["vad"],
                "weights": {n: 0.0 for n in NAMES}}]
    order = ["joy", "amusement", "excitement", "gratitude", "affection", "surprise", "curiosity",
             "confusion", "sadness", "sulk", "apology", "fear", "anger", "disgust", "embarrassment"]
    for cls in order:
        full = expand(L5[cls])
        for level in ("L1", "L3", "L5"):
            presets.append({"emotion": cls, "level": level, "vad": anchors["classes"][cls][level],
                            "weights": level_weights(full, level)})
    doc = {
        "version": "1.0",
        "description": "ARKit-52 expression presets per emotion class and intensity level, authored by "
                       "data/presets/author_presets.py from the FACS prototypes of "
                       "../shared/research/expression-reference.md §3. vad equals the anchor of "
                       "data/emotion/emotion_vad_anchors.json at that level. Neutral is one preset; "
                       "its level is not used.",
        "anchors_version": anchors["version"],
        "channel_order": NAMES,
        "presets": presets,
    }
    out = os.path.join(ROOT, "data", "presets", "presets.json")
    with open(out + ".tmp", "w") as f:
        f.write(json.dumps(doc, indent=1) + "\n")
    os.replace(out + ".tmp", out)
    print("wrote", len(presets), "presets to data/presets/presets.json")


if __name__ == "__main__":
    main()
