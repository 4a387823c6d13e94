package main

import (
	"fmt"
	"os"

	"github.com/claude-ls/claude-ls/promptfile"
)

func main() {
	for _, name := range os.Args[1:] {
		src, _ := os.ReadFile(name)
		res := promptfile.Analyze(promptfile.Parse(src), &promptfile.Workspace{Root: "/tmp", ReadFile: os.ReadFile}, promptfile.Options{Path: "/tmp/sc/a.prompt"})
		fmt.Println("==", name)
		for _, d := range res.Diagnostics {
			fmt.Printf("%s %s %q %s\n", d.Code, d.Severity, src[d.Span.Start:d.Span.End], d.Message)
		}
		if res.Request != nil {
			fmt.Println(string(res.Request.JSON()))
		}
	}
}
