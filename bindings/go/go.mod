// The module is not published: use it with a replace directive pointing at this directory
// (see README.md, "Go").
module dictenstein.local/dictenstein

go 1.19
