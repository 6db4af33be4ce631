// Builds a double-array trie, looks a word up, lists the words within edit distance 1 of
// "helo", and keeps a counter in a durable store in a temporary directory.
package main

import (
	"fmt"
	"log"
	"os"

	"dictenstein.local/dictenstein"
)

func main() {
	dict, err := dictenstein.Build(dictenstein.KindDoubleArray,
		[]string{"hell", "hello", "help", "world", "yellow"})
	if err != nil {
		log.Fatal(err)
	}
	defer dict.Close()

	v, found, err := dict.GetString("help")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("libdictenstein %s: help -> %d (found %v)\n", dictenstein.Version(), v, found)

	matches, err := dict.FuzzySearch([]byte("helo"), dictenstein.DefaultFuzzyOptions())
	if err != nil {
		log.Fatal(err)
	}
	for _, m := range matches {
		fmt.Printf("  %s (distance %d)\n", m.Term, m.Distance)
	}

	dir, err := os.MkdirTemp("", "dictenstein-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	store, err := dictenstein.OpenStore(dir, nil)
	if err != nil {
		log.Fatal(err)
	}
	n, err := store.Increment([]byte("visits"), 1)
	if err != nil {
		log.Fatal(err)
	}
	if err := store.Close(); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("visits -> %d\n", n)
}
