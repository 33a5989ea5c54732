// This file finds the valid spelling nearest to a misspelled option name
// or value, for the "did you mean" hint of an error message. Kernel code:
// no heap, so the edit distance works on fixed-size rows on the stack.
package cmdline

// maxSuggestLen bounds the words compared: option names and values are
// far shorter, and a longer word is no typo of any of them.
const maxSuggestLen = 32

// nearest returns the candidate closest to word, or "" if none is close
// enough to be a likely typo: an edit distance (insertions, deletions,
// substitutions and swaps of two adjacent letters, case ignored) of at
// most 1 for words of 2 to 4 letters and at most 2 for longer ones, or
// word being the start of exactly one candidate ("dur" for "duration").
// On a tie the first candidate in the list wins.
func nearest(word string, candidates []string) string {
	if word == "" || len(word) > maxSuggestLen {
		return ""
	}
	limit := min(len(word)-1, 1) // a 1-letter word is no typo of anything
	if len(word) > 4 {
		limit = 2
	}
	best, bestDist := "", limit+1
	prefixOf, prefixes := "", 0
	for _, c := range candidates {
		if c == "" {
			continue
		}
		if d := distance(word, c); d < bestDist {
			best, bestDist = c, d
		}
		if len(word) >= 3 && len(word) < len(c) && equalFold(c[:len(word)], word) {
			prefixOf, prefixes = c, prefixes+1
		}
	}
	if best == "" && prefixes == 1 {
		return prefixOf
	}
	return best
}

// distance is the optimal-string-alignment distance between a and b
// (Levenshtein plus the swap of two adjacent bytes), ignoring ASCII case.
// Words longer than maxSuggestLen count as far from everything.
func distance(a, b string) int {
	if len(a) > maxSuggestLen || len(b) > maxSuggestLen {
		return maxSuggestLen + 1
	}
	// Three rows of the dynamic-programming table: i-2, i-1 and i.
	var rows [3][maxSuggestLen + 1]int
	for j := 0; j <= len(b); j++ {
		rows[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur, prev, prev2 := &rows[i%3], &rows[(i-1)%3], &rows[(i-2+3)%3]
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if lower(a[i-1]) == lower(b[j-1]) {
				cost = 0
			}
			d := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && lower(a[i-1]) == lower(b[j-2]) && lower(a[i-2]) == lower(b[j-1]) {
				d = min(d, prev2[j-2]+1)
			}
			cur[j] = d
		}
	}
	return rows[len(a)%3][len(b)]
}

func lower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if lower(a[i]) != lower(b[i]) {
			return false
		}
	}
	return true
}
