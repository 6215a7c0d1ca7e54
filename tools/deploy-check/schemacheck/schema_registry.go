package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// definitionsURL is the $id of kubernetes-validate's shared definitions file; the per-kind
// schemas refer to it as "/api/_definitions.json".
const definitionsURL = "https://kubernetes.io/api/_definitions.json"

// schemaRegistry finds the schema of each apiVersion and kind and caches each compiled schema.
type schemaRegistry struct {
	coreFolder string
	compiler   *jsonschema.Compiler
	crds       map[string]crdVersionSchema
	compiled   map[string]*jsonschema.Schema
}

func newSchemaRegistry(coreFolder string, crdFolders []string) (*schemaRegistry, error) {
	compiler := jsonschema.NewCompiler()
	compiler.DefaultDraft(jsonschema.Draft2020)

	definitions, err := readJSONFile(filepath.Join(coreFolder, "_definitions.json"))
	if err != nil {
		return nil, fmt.Errorf("schemas of the built-in kinds are missing: %w; run tools/deploy-check/install-tools.sh", err)
	}
	if err := compiler.AddResource(definitionsURL, definitions); err != nil {
		return nil, err
	}

	crdSchemas, err := loadCRDSchemas(crdFolders)
	if err != nil {
		return nil, err
	}
	crds := map[string]crdVersionSchema{}
	for _, schema := range crdSchemas {
		crds[schema.GroupVersionKind] = schema
	}

	return &schemaRegistry{
		coreFolder: coreFolder,
		compiler:   compiler,
		crds:       crds,
		compiled:   map[string]*jsonschema.Schema{},
	}, nil
}

type objectHeader struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name string `json:"name"`
	} `json:"metadata"`
}

func (r *schemaRegistry) validate(doc document) result {
	var header objectHeader
	outcome := result{Source: doc.Source, Index: doc.Index}
	if err := json.Unmarshal(doc.JSON, &header); err != nil {
		outcome.Status = "invalid"
		outcome.Errors = []string{"document is not a Kubernetes object (a YAML mapping with apiVersion and kind): " + err.Error()}
		return outcome
	}
	outcome.APIVersion, outcome.Kind, outcome.Name = header.APIVersion, header.Kind, header.Metadata.Name
	if header.APIVersion == "" || header.Kind == "" {
		outcome.Status = "invalid"
		outcome.Errors = []string{"apiVersion or kind is missing; every manifest needs both"}
		return outcome
	}

	schema, source, celRules, err := r.schemaOf(header.APIVersion, header.Kind)
	outcome.Schema, outcome.CELRules = source, celRules
	if err != nil {
		outcome.Status = "invalid"
		outcome.Errors = []string{err.Error()}
		return outcome
	}
	if schema == nil {
		outcome.Status = "no-schema"
		return outcome
	}

	instance, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc.JSON))
	if err != nil {
		outcome.Status = "invalid"
		outcome.Errors = []string{err.Error()}
		return outcome
	}
	outcome.Status = "valid"
	if err := schema.Validate(instance); err != nil {
		outcome.Status = "invalid"
		outcome.Errors = flattenErrors(err)
	}

	return outcome
}

// schemaOf returns the compiled schema of a kind, the schema's source, and the number of
// CEL rules it leaves unchecked. A nil schema means that none is known.
func (r *schemaRegistry) schemaOf(apiVersion, kind string) (*jsonschema.Schema, string, int, error) {
	group, version := splitAPIVersion(apiVersion)
	if crd, ok := r.crds[group+"/"+version+"/"+kind]; ok {
		url := "https://crd.schemas.local/" + group + "/" + version + "/" + kind
		schema, err := r.compile(url, func() (any, error) { return crd.Schema, nil })
		return schema, "crd:" + crd.GroupVersionKind, crd.CELRules, err
	}

	file := filepath.Join(r.coreFolder, coreSchemaFile(group, version, kind))
	if _, err := os.Stat(file); err != nil {
		return nil, "", 0, nil
	}
	schema, err := r.compile("file://"+file, func() (any, error) { return readJSONFile(file) })

	return schema, "core:" + filepath.Base(file), 0, err
}

func (r *schemaRegistry) compile(url string, load func() (any, error)) (*jsonschema.Schema, error) {
	if schema, ok := r.compiled[url]; ok {
		return schema, nil
	}
	doc, err := load()
	if err != nil {
		return nil, err
	}
	if err := r.compiler.AddResource(url, doc); err != nil {
		return nil, err
	}
	schema, err := r.compiler.Compile(url)
	if err != nil {
		return nil, fmt.Errorf("schema %s does not compile: %w", url, err)
	}
	r.compiled[url] = schema

	return schema, nil
}

// coreSchemaFile names kubernetes-validate's file of a kind: "<kind>-<group prefix>-<version>.json",
// e.g. deployment-apps-v1.json, networkpolicy-networking-v1.json, or service-v1.json for the core group.
func coreSchemaFile(group, version, kind string) string {
	name := strings.ToLower(kind)
	if group != "" {
		name += "-" + strings.Split(group, ".")[0]
	}

	return name + "-" + version + ".json"
}

func splitAPIVersion(apiVersion string) (string, string) {
	if group, version, found := strings.Cut(apiVersion, "/"); found {
		return group, version
	}

	return "", apiVersion
}

func readJSONFile(path string) (any, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer file.Close()

	return jsonschema.UnmarshalJSON(file)
}

// flattenErrors lists the leaf causes of a validation error as "<instance path>: <message>".
func flattenErrors(err error) []string {
	var validationError *jsonschema.ValidationError
	if !errors.As(err, &validationError) {
		return []string{err.Error()}
	}

	printer := message.NewPrinter(language.English)
	var messages []string
	var collect func(cause *jsonschema.ValidationError, depth int)
	collect = func(cause *jsonschema.ValidationError, depth int) {
		if len(cause.Causes) == 0 || depth >= maxErrorDepth {
			location := "/" + strings.Join(cause.InstanceLocation, "/")
			messages = append(messages, location+": "+cause.ErrorKind.LocalizedString(printer))
			return
		}
		for _, child := range cause.Causes {
			collect(child, depth+1)
		}
	}
	collect(validationError, 0)

	return messages
}

// maxErrorDepth bounds the walk through nested causes; schemas of built-in kinds nest about 15 levels.
const maxErrorDepth = 64
