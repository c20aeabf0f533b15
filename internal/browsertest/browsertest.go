// Package browsertest opens HTML pages in a real browser for tests:
// Debian's headless Chromium (/usr/bin/chromium, installed by scripts/test),
// driven with chromedp. A test gets the page's console errors and uncaught
// exceptions, can evaluate JavaScript and writes screenshots for a person to
// look at.
package browsertest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Chromium returns the browser's path. Without one the test is skipped,
// except with CI=true, where it fails: CI must run the browser tests.
func Chromium(t testing.TB) string {
	t.Helper()
	for _, p := range []string{os.Getenv("DBTWIN_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if p == "" {
			continue
		}
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	msg := "no Chromium at /usr/bin/chromium: install Debian's package (apt-get install chromium; scripts/test does it) or set DBTWIN_CHROMIUM"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// Page is one page open in a fresh headless Chromium.
type Page struct {
	Ctx context.Context
	// Load is the time from the start of navigation until the page said it
	// was ready (ReadySelector present).
	Load time.Duration

	mu     sync.Mutex
	errors []string
}

// ReadySelector is what Open waits for: the report sets data-ready on its
// body when its script has run.
const ReadySelector = `body[data-ready="1"]`

// Open starts Chromium with a fresh profile, opens the file and waits until
// the page is ready. The browser is closed when the test ends.
func Open(t testing.TB, file string, width, height int) *Page {
	t.Helper()
	exe := Chromium(t)
	abs, err := filepath.Abs(file)
	if err != nil {
		t.Fatal(err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(width, height),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 2*time.Minute)
	t.Cleanup(func() { cancelTimeout(); cancel(); cancelAlloc() })
	p := &Page{Ctx: ctx}
	// Subscribe before the page exists, so no message is lost.
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.IsException() {
				p.add(fmt.Sprintf("%s (%s:%d:%d)", m, m.URL, m.Line, m.Column))
			}
		}
	}()
	// Start the browser before timing the page.
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start Chromium (%s): %v", exe, err)
	}
	start := time.Now()
	if err := chromedp.Do(ctx, chromedp.Navigate("file://"+abs), chromedp.WaitVisible(chromedp.CSS(ReadySelector))); err != nil {
		t.Fatalf("open %s in Chromium: %v (console: %v)", file, err, p.Errors())
	}
	p.Load = time.Since(start)
	return p
}

func (p *Page) add(s string) {
	p.mu.Lock()
	p.errors = append(p.errors, s)
	p.mu.Unlock()
}

// Errors returns the console errors, log errors and uncaught exceptions
// seen so far.
func (p *Page) Errors() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.errors...)
}

// Eval evaluates a JavaScript expression on the page (awaiting a promise)
// and decodes its JSON value.
func Eval[T any](t testing.TB, p *Page, js string) T {
	t.Helper()
	v, err := chromedp.Run(p.Ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluate %q: %v", js, err)
	}
	return v
}

// Do runs chromedp actions (clicks, typing) on the page.
func (p *Page) Do(t testing.TB, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(p.Ctx, actions...); err != nil {
		t.Fatalf("browser: %v", err)
	}
}

// Screenshot writes a PNG of the whole page to DIR/name.png, DIR being
// $DBTWIN_SCREENSHOTS or the system's temporary folder's
// dbtwin-screenshots, and returns its path (the test logs it).
func (p *Page) Screenshot(t testing.TB, name string) string {
	t.Helper()
	png, err := chromedp.Run(p.Ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	return save(t, name, png)
}

// ElementScreenshot writes a PNG of the first element matching the CSS
// selector, as Screenshot does.
func (p *Page) ElementScreenshot(t testing.TB, selector, name string) string {
	t.Helper()
	png, err := chromedp.Run(p.Ctx, chromedp.Screenshot(chromedp.CSS(selector)))
	if err != nil {
		t.Fatalf("screenshot of %s: %v", selector, err)
	}
	return save(t, name, png)
}

func save(t testing.TB, name string, png []byte) string {
	t.Helper()
	dir := os.Getenv("DBTWIN_SCREENSHOTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "dbtwin-screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot for a person to look at: %s", path)
	return path
}
