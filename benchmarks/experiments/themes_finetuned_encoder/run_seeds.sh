#!/bin/sh
# Two more seeds per fold for config B (12 epochs, lr 1e-4), two chains of 1 thread each.
cd "$(dirname "$0")"  # the scratch folder it ran in
while pgrep -f "ft.py --held dev --threads 1 --epochs 12" >/dev/null; do sleep 5; done
( for h in dev train-young-voices train-carers-small; do
    FT_OUT=out_b venv/bin/python ft.py --held $h --threads 1 --epochs 12 --lr 1e-4 --seed 2 > log_b_$h.s2.txt 2>&1
  done ) &
while pgrep -f "ft.py --held train-carers-small --threads 1 --epochs 12 --lr 1e-4$" >/dev/null; do sleep 5; done
( for h in train-carers-small train-young-voices dev; do
    FT_OUT=out_b venv/bin/python ft.py --held $h --threads 1 --epochs 12 --lr 1e-4 --seed 3 > log_b_$h.s3.txt 2>&1
  done ) &
wait
