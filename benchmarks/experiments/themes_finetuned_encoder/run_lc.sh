#!/bin/sh
# Learning curve on the dev fold (config B, seed fixed): 25% and 50% of the fine-tuning 80%.
cd "$(dirname "$0")"  # the scratch folder it ran in
while pgrep -f run_seeds.sh >/dev/null; do sleep 5; done
for f in 0.25 0.5; do
  ( FT_OUT=out_lc venv/bin/python ft.py --held dev --threads 1 --epochs 12 --lr 1e-4 --frac $f > log_lc_$f.txt 2>&1
    mkdir -p out_lc_$f && cp out_lc/dev.f$f.npz out_lc_$f/dev.npz ) &
done
wait
venv/bin/python timing.py --out out_b --held dev --n 200 > timing.txt 2>&1
