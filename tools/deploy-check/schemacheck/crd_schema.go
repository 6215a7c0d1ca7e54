package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// crdVersionSchema is the JSON Schema of one served version of a custom resource.
type crdVersionSchema struct {
	GroupVersionKind string
	Schema           map[string]any
	// CELRules counts the x-kubernetes-validations rules, which this check does not evaluate.
	CELRules int
}

// loadCRDSchemas reads every *.yaml and *.yml file of the folders and returns the JSON
// Schema of each served version of each CustomResourceDefinition in them.
func loadCRDSchemas(folders []string) ([]crdVersionSchema, error) {
	var schemas []crdVersionSchema
	for _, folder := range folders {
		files, err := yamlFiles(folder)
		if err != nil {
			return nil, err
		}
		for _, file := range files {
			documents, err := readDocuments(file)
			if err != nil {
				return nil, err
			}
			for _, doc := range documents {
				found, err := crdSchemas(doc)
				if err != nil {
					return nil, err
				}
				schemas = append(schemas, found...)
			}
		}
	}

	return schemas, nil
}

func yamlFiles(folder string) ([]string, error) {
	entries, err := os.ReadDir(folder)
	if err != nil {
		return nil, fmt.Errorf("CRD folder %s cannot be read: %w; run tools/deploy-check/install-tools.sh", folder, err)
	}
	var files []string
	for _, entry := range entries {
		name := entry.Name()
		if !entry.IsDir() && (strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml")) {
			files = append(files, filepath.Join(folder, name))
		}
	}
	sort.Strings(files)

	return files, nil
}

type crdDocument struct {
	Kind string `json:"kind"`
	Spec struct {
		Group string `json:"group"`
		Names struct {
			Kind string `json:"kind"`
		} `json:"names"`
		Versions []struct {
			Name   string `json:"name"`
			Served bool   `json:"served"`
			Schema struct {
				OpenAPIV3Schema map[string]any `json:"openAPIV3Schema"`
			} `json:"schema"`
		} `json:"versions"`
	} `json:"spec"`
}

func crdSchemas(doc document) ([]crdVersionSchema, error) {
	var crd crdDocument
	if err := json.Unmarshal(doc.JSON, &crd); err != nil {
		return nil, fmt.Errorf("%s: document %d: %w", doc.Source, doc.Index, err)
	}
	if crd.Kind != "CustomResourceDefinition" {
		return nil, nil
	}

	var schemas []crdVersionSchema
	for _, version := range crd.Spec.Versions {
		if !version.Served || version.Schema.OpenAPIV3Schema == nil {
			continue
		}
		converter := &crdConverter{}
		schema := converter.convert(version.Schema.OpenAPIV3Schema, true, true)
		schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
		schemas = append(schemas, crdVersionSchema{
			GroupVersionKind: crd.Spec.Group + "/" + version.Name + "/" + crd.Spec.Names.Kind,
			Schema:           schema,
			CELRules:         converter.celRules,
		})
	}

	return schemas, nil
}

// crdConverter turns a structural OpenAPI v3 schema of a CRD into a JSON Schema (draft
// 2020-12) that rejects unknown fields, as `kubectl apply --validate=strict` does. The API
// server prunes fields that the schema does not name unless x-kubernetes-preserve-unknown-fields
// is set, and strict field validation reports each pruned field as an error.
type crdConverter struct {
	celRules int
}

var copiedKeywords = []string{
	"type", "required", "enum", "pattern", "minimum", "maximum", "minLength", "maxLength",
	"minItems", "maxItems", "uniqueItems", "minProperties", "maxProperties", "multipleOf",
}

// convert converts one schema node. strict is false inside allOf, anyOf, oneOf and not, whose
// branches only add value checks to the fields that the enclosing schema declares.
func (c *crdConverter) convert(node map[string]any, root, strict bool) map[string]any {
	out := map[string]any{}
	for _, key := range copiedKeywords {
		if value, ok := node[key]; ok {
			out[key] = value
		}
	}
	c.convertExclusiveBounds(node, out)

	if rules, ok := node["x-kubernetes-validations"].([]any); ok {
		c.celRules += len(rules)
	}
	if properties, ok := node["properties"].(map[string]any); ok {
		converted := map[string]any{}
		for name, child := range properties {
			converted[name] = c.convert(asMap(child), false, strict)
		}
		out["properties"] = converted
	}
	if items, ok := node["items"].(map[string]any); ok {
		out["items"] = c.convert(items, false, strict)
	}
	for _, key := range []string{"allOf", "anyOf", "oneOf"} {
		if list, ok := node[key].([]any); ok {
			converted := make([]any, 0, len(list))
			for _, child := range list {
				converted = append(converted, c.convert(asMap(child), false, false))
			}
			out[key] = converted
		}
	}
	if not, ok := node["not"].(map[string]any); ok {
		out["not"] = c.convert(not, false, false)
	}

	c.convertAdditionalProperties(node, out, root, strict)
	convertIntOrString(node, out)
	if node["nullable"] == true {
		if typeName, ok := out["type"].(string); ok {
			out["type"] = []any{typeName, "null"}
		}
	}

	return out
}

// convertExclusiveBounds maps OpenAPI 3.0's boolean exclusiveMinimum/exclusiveMaximum to
// the numeric keywords of JSON Schema 2020-12.
func (c *crdConverter) convertExclusiveBounds(node, out map[string]any) {
	if node["exclusiveMinimum"] == true {
		out["exclusiveMinimum"] = node["minimum"]
		delete(out, "minimum")
	}
	if node["exclusiveMaximum"] == true {
		out["exclusiveMaximum"] = node["maximum"]
		delete(out, "maximum")
	}
}

func (c *crdConverter) convertAdditionalProperties(node, out map[string]any, root, strict bool) {
	if additional, ok := node["additionalProperties"]; ok {
		if schema, isMap := additional.(map[string]any); isMap {
			out["additionalProperties"] = c.convert(schema, false, strict)
		} else {
			out["additionalProperties"] = additional
		}
		return
	}

	if node["x-kubernetes-embedded-resource"] == true {
		properties := asMap(out["properties"])
		for _, name := range []string{"apiVersion", "kind"} {
			if _, ok := properties[name]; !ok {
				properties[name] = map[string]any{"type": "string"}
			}
		}
		if _, ok := properties["metadata"]; !ok {
			properties["metadata"] = map[string]any{"type": "object"}
		}
		out["properties"] = properties
	}

	// An object schema without properties (for example `metadata: {type: object}`) is left
	// open: the API server validates metadata itself, and such fields are rare elsewhere.
	_, hasProperties := out["properties"]
	if strict && hasProperties && node["x-kubernetes-preserve-unknown-fields"] != true {
		out["additionalProperties"] = false
	}
	if root {
		properties := asMap(out["properties"])
		for _, name := range []string{"apiVersion", "kind"} {
			if _, ok := properties[name]; !ok {
				properties[name] = map[string]any{"type": "string"}
			}
		}
		if _, ok := properties["metadata"]; !ok {
			properties["metadata"] = map[string]any{"type": "object"}
		}
		out["properties"] = properties
	}
}

// convertIntOrString replaces the type of an x-kubernetes-int-or-string field, which
// accepts an integer or a string, unless the schema already spells that out with anyOf.
func convertIntOrString(node, out map[string]any) {
	if node["x-kubernetes-int-or-string"] != true {
		return
	}
	delete(out, "type")
	if _, ok := out["anyOf"]; !ok {
		out["anyOf"] = []any{map[string]any{"type": "integer"}, map[string]any{"type": "string"}}
	}
}

func asMap(value any) map[string]any {
	if converted, ok := value.(map[string]any); ok {
		return converted
	}

	return map[string]any{}
}
