package infer

import (
	"context"
	"errors"
	"fmt"
)

// exportStopped is ExportModels' check of ExportOptions.Context at a step
// boundary: nil while ctx (nil: never stopped) is live, else "export:
// stopped <when>: context canceled" (wrapping the context's error).
func exportStopped(ctx context.Context, when string) error {
	if ctx == nil || ctx.Err() == nil {
		return nil
	}
	return fmt.Errorf("export: stopped %s: %w", when, ctx.Err())
}

// exportStoppedIn says that a fit stopped by ctx (err wraps ctx's error)
// stopped the export during what ("the patch priors"); other errors are
// returned as they are.
func exportStoppedIn(ctx context.Context, what string, err error) error {
	if ctx == nil || ctx.Err() == nil || !errors.Is(err, ctx.Err()) {
		return err
	}
	return fmt.Errorf("export: stopped during %s: %w", what, err)
}
