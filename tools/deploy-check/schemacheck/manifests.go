package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strings"

	"sigs.k8s.io/yaml"
)

// document is one YAML document of a manifest file, converted to JSON.
type document struct {
	Source string
	Index  int
	JSON   []byte
}

// readDocuments splits a file into its YAML documents at lines that start with "---",
// skips empty ones and converts each to JSON the way kubectl reads YAML (YAML 1.1 scalars,
// duplicate keys rejected).
func readDocuments(path string) ([]document, error) {
	content, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}

	var documents []document
	for index, part := range splitDocuments(content) {
		if isBlank(part) {
			continue
		}
		converted, err := yaml.YAMLToJSONStrict(part)
		if err != nil {
			return nil, fmt.Errorf("%s: document %d is not valid YAML: %w", path, index, err)
		}
		if bytes.Equal(bytes.TrimSpace(converted), []byte("null")) {
			continue
		}
		documents = append(documents, document{Source: path, Index: index, JSON: converted})
	}

	return documents, nil
}

func splitDocuments(content []byte) [][]byte {
	var parts [][]byte
	var current bytes.Buffer
	scanner := bufio.NewScanner(bytes.NewReader(content))
	scanner.Buffer(make([]byte, 1024*1024), 64*1024*1024)
	for scanner.Scan() {
		line := scanner.Text()
		if strings.HasPrefix(line, "---") && strings.TrimSpace(strings.TrimPrefix(line, "---")) == "" {
			parts = append(parts, append([]byte(nil), current.Bytes()...))
			current.Reset()
			continue
		}
		current.WriteString(line)
		current.WriteByte('\n')
	}
	parts = append(parts, current.Bytes())

	return parts
}

// isBlank reports whether a YAML document holds only comments and white space.
func isBlank(part []byte) bool {
	for _, line := range strings.Split(string(part), "\n") {
		trimmed := strings.TrimSpace(line)
		if trimmed != "" && !strings.HasPrefix(trimmed, "#") {
			return false
		}
	}

	return true
}
