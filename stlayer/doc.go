// Package stlayer computes scattering-transform statistics of 2D fields.
//
// It is split like Kymatio: filter construction (stlayer/filters), a narrow
// primitive layer (Prim, prim.go) implemented by engines (stlayer/cpu: plain Go
// with hand-written adjoints; stlayer/graph: GoMLX graphs), and the statistics
// families written once against Prim (stlayer/wst, stlayer/scov, stlayer/wph).
// Every coefficient vector carries a label table (Labels).
package stlayer
