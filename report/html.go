package report

import (
	"bufio"
	_ "embed"
	"fmt"
	"html/template"
	"io"
)

//go:embed assets/report.html.tmpl
var pageTemplate string

//go:embed assets/report.css
var pageCSS string

//go:embed assets/report.js
var pageJS string

var tmpl = template.Must(template.New("report").Funcs(template.FuncMap{
	"css": func() template.CSS { return template.CSS(pageCSS) },
	"js":  func() template.JS { return template.JS(pageJS) },
	"add": func(a, b float64) float64 { return a + b },
}).Parse(pageTemplate))

// WriteHTML writes the report as one self-contained HTML page: inline CSS,
// JavaScript and SVG, no reference to anything outside the file (a content
// security policy forbids the page any network access).
func (r *Report) WriteHTML(w io.Writer) error {
	bw := bufio.NewWriter(w)
	if err := tmpl.Execute(bw, r.buildPage()); err != nil {
		return fmt.Errorf("write the HTML report: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write the HTML report: %w", err)
	}
	return nil
}
