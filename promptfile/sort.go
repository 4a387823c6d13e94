package promptfile

import "sort"

// sortDiagnostics orders by position, then severity, so output is stable.
func sortDiagnostics(ds []Diagnostic) {
	sort.SliceStable(ds, func(i, j int) bool {
		if ds[i].Span.Start != ds[j].Span.Start {
			return ds[i].Span.Start < ds[j].Span.Start
		}
		return ds[i].Severity < ds[j].Severity
	})
}
