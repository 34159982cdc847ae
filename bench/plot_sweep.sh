#!/usr/bin/env bash
# plot_sweep.sh - delivered vs offered rate for each router, from
# bench/compare.sh's samples.csv (its own flat-out, latency and sweep
# runs): one panel per fan-out and packet size, the packets/s delivered
# to each receiver (mean over the receivers) against the sender's rate,
# every repetition's points. python3 with matplotlib (Debian:
# python3-matplotlib), else gnuplot; without either it says so and exits 0.
# Usage: bench/plot_sweep.sh samples.csv out.png
set -euo pipefail

[ $# = 2 ] || { sed -n '2,9p' "$0"; exit 2; }
csv=$1 png=$2
[ -s "$csv" ] || { echo "plot_sweep: no data in $csv" >&2; exit 1; }

py=
for p in python3 /usr/bin/python3; do
	if command -v "$p" >/dev/null && "$p" -c 'import matplotlib' 2>/dev/null
	then
		py=$p
		break
	fi
done

if [ -n "$py" ]; then
	"$py" - "$csv" "$png" <<'EOF'
import csv
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["status"] == "ok"]
fans = sorted({int(r["fanout"]) for r in rows if r["router"] != "line"}) or [1]
sizes = sorted({int(r["size"]) for r in rows})
routers = []
for r in rows:
    if r["router"] not in routers:
        routers.append(r["router"])
order = ["line", "nftcopy", "kernel", "shim", "shimbpf", "naive"]
routers.sort(key=lambda x: order.index(x) if x in order else len(order))
style = {"line": "k", "nftcopy": "tab:blue", "kernel": "tab:green",
         "shim": "tab:red", "shimbpf": "tab:purple", "naive": "tab:orange"}
fig, axes = plt.subplots(len(fans), len(sizes), squeeze=False,
                         figsize=(5.2 * len(sizes), 3.6 * len(fans)))
for i, f in enumerate(fans):
    for j, s in enumerate(sizes):
        ax = axes[i][j]
        top = 0
        for rt in routers:
            pts = sorted((float(r["send_pps"]) / 1e3,
                          float(r["deliv_pps"]) / 1e3) for r in rows
                         if r["router"] == rt and int(r["size"]) == s and
                         (int(r["fanout"]) == f or rt == "line"))
            if not pts:
                continue
            top = max(top, max(x for x, _ in pts))
            ax.plot([x for x, _ in pts], [y for _, y in pts], "o-",
                    ms=3, lw=1, color=style.get(rt), label=rt)
        ax.plot([0, top], [0, top], ":", color="0.6", lw=1)
        ax.set_title("fan-out %d, %d B" % (f, s), fontsize=10)
        ax.set_xlabel("offered (kpps, sender)", fontsize=9)
        ax.set_ylabel("delivered per receiver (kpps)", fontsize=9)
        ax.set_xlim(left=0)
        ax.set_ylim(bottom=0)
        ax.grid(alpha=0.3)
        ax.tick_params(labelsize=8)
        ax.legend(fontsize=7)
fig.suptitle("delivered vs offered rate (bench/compare.sh; line: 1 receiver)",
             fontsize=10)
fig.tight_layout()
fig.savefig(sys.argv[2], dpi=72)
EOF
	echo "plot_sweep: $png (matplotlib)" >&2
	exit 0
fi

if command -v gnuplot >/dev/null; then
	tmp=$(mktemp -d /tmp/plotsweep.XXXXXX)
	trap 'rm -rf "$tmp"' EXIT
	# one data file per panel and router: offered and delivered kpps
	awk -F, -v d="$tmp" 'NR > 1 && $25 == "ok" {
		print $8 / 1000, $12 / 1000 >> (d "/" $2 "." $3 "." $4)
	}' "$csv"
	fans=$(awk -F, 'NR > 1 && $2 != "line" { print $3 }' "$csv" | sort -un)
	sizes=$(awk -F, 'NR > 1 { print $4 }' "$csv" | sort -un)
	nf=$(wc -w <<<"$fans") ns=$(wc -w <<<"$sizes")
	{
		echo "set terminal png size $((420 * ns)),$((300 * nf))"
		echo "set output '$png'"
		echo "set multiplot layout $nf,$ns"
		echo "set xlabel 'offered (kpps)'; set ylabel 'delivered (kpps)'"
		for f in $fans; do
			for s in $sizes; do
				echo "set title 'fan-out $f, $s B'"
				plot=
				for d in "$tmp"/*."$f.$s" "$tmp"/line.1."$s"; do
					[ -e "$d" ] || continue
					sort -n "$d" -o "$d"
					n=$(basename "$d")
					plot+="${plot:+, }'$d' with linespoints title '${n%%.*}'"
				done
				[ -n "$plot" ] && echo "plot $plot"
			done
		done
		echo "unset multiplot"
	} | gnuplot
	echo "plot_sweep: $png (gnuplot)" >&2
	exit 0
fi

echo "plot_sweep: neither python3 with matplotlib nor gnuplot: no plot" \
	"(apt-get install python3-matplotlib)" >&2
exit 0
