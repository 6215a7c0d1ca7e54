// Command schemacheck validates Kubernetes manifests offline against JSON Schemas: the
// strict schemas of the built-in kinds that the PyPI package kubernetes-validate ships, and
// schemas derived from CustomResourceDefinition files. It prints one JSON result per
// document and exits with 1 when a document is invalid or has no schema.
//
// Usage: schemacheck -core DIR [-crds DIR]... FILE...
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
)

// result is the outcome of one document.
type result struct {
	Source     string   `json:"source"`
	Index      int      `json:"index"`
	APIVersion string   `json:"apiVersion"`
	Kind       string   `json:"kind"`
	Name       string   `json:"name"`
	Status     string   `json:"status"` // valid, invalid or no-schema
	Schema     string   `json:"schema,omitempty"`
	Errors     []string `json:"errors,omitempty"`
	// CELRules counts the CRD's x-kubernetes-validations rules, which are not evaluated.
	CELRules int `json:"celRules,omitempty"`
}

type folderList []string

func (f *folderList) String() string { return strings.Join(*f, ",") }

func (f *folderList) Set(value string) error {
	*f = append(*f, value)

	return nil
}

func main() {
	var crdFolders folderList
	coreFolder := flag.String("core", "", "folder of the strict JSON Schemas of the built-in kinds (kubernetes-validate's v<version>-local-strict)")
	flag.Var(&crdFolders, "crds", "folder of CustomResourceDefinition YAML files; may be given more than once")
	flag.Parse()

	if *coreFolder == "" || flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: schemacheck -core DIR [-crds DIR]... FILE...")
		os.Exit(2)
	}

	failed, err := run(*coreFolder, crdFolders, flag.Args())
	if err != nil {
		fmt.Fprintln(os.Stderr, "schemacheck:", err)
		os.Exit(2)
	}
	if failed {
		os.Exit(1)
	}
}

func run(coreFolder string, crdFolders, files []string) (bool, error) {
	registry, err := newSchemaRegistry(coreFolder, crdFolders)
	if err != nil {
		return false, err
	}

	encoder := json.NewEncoder(os.Stdout)
	failed := false
	for _, file := range files {
		documents, err := readDocuments(file)
		if err != nil {
			return false, err
		}
		for _, doc := range documents {
			outcome := registry.validate(doc)
			if outcome.Status != "valid" {
				failed = true
			}
			if err := encoder.Encode(outcome); err != nil {
				return false, errors.Join(errors.New("stdout write failed"), err)
			}
		}
	}

	return failed, nil
}
