# The log as pflogsumm must read it to count what the collector counts
# (tests/integration/test_stats_pflogsumm.c); run as
#   awk -f pflogsumm_view.awk mail.log mail.log | pflogsumm -i
# - a content filter's hop (the delivery to 127.0.0.1:10024, and the
#   re-injected copy's client=localhost) is left out: the collector counts
#   the filtered message once, pflogsumm would count it twice;
# - a message none of whose recipients has an outcome in the log (still
#   in the queue at its end; after a filter: its copy's) loses its qmgr
#   from= line: the collector has no delivery event of it, pflogsumm
#   would count its sender.
function hop(l) {
	return (l ~ /relay=127\.0\.0\.1\[127\.0\.0\.1\]:10024|client=localhost\[/)
}
NR == FNR {
	if ($0 ~ /postfix\/(smtp|lmtp|local|virtual)\[[0-9]+\]: [0-9A-F]+: to=</) {
		if (!hop($0))
			done[$6] = 1
		else if (match($0, /queued as [0-9A-F]+/))
			copy[$6] = substr($0, RSTART + 10, RLENGTH - 10) ":"
	}
	next
}
hop($0) { next }
/postfix\/qmgr\[[0-9]+\]: [0-9A-F]+: from=</ {
	if (!($6 in done) && !(($6 in copy) && (copy[$6] in done)))
		next
}
{ print }
