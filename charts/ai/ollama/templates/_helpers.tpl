{{/* Chart name, cut to the 63 characters of a DNS label. */}}
{{- define "ollama.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full name: the release name, prefixed to the chart name unless it contains it. */}}
{{- define "ollama.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* Chart name and version, for the helm.sh/chart label. */}}
{{- define "ollama.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Common labels. */}}
{{- define "ollama.labels" -}}
helm.sh/chart: {{ include "ollama.chart" . }}
{{ include "ollama.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: ai
{{- end }}

{{/* Selector labels: stable across upgrades. */}}
{{- define "ollama.selectorLabels" -}}
app.kubernetes.io/name: {{ include "ollama.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* Image reference; AMD GPUs need the ROCm build of the same version. */}}
{{- define "ollama.image" -}}
{{- $tag := .Values.image.tag | default .Chart.AppVersion }}
{{- if and .Values.gpu.enabled (eq .Values.gpu.vendor "amd") (not (hasSuffix "-rocm" $tag)) }}
{{- $tag = printf "%s-rocm" $tag }}
{{- end }}
{{- printf "%s:%s" .Values.image.repository $tag }}
{{- end }}

{{/* Extended resource the vendor's device plugin advertises. */}}
{{- define "ollama.gpu.resource" -}}
{{- if eq .Values.gpu.vendor "nvidia" -}}
nvidia.com/gpu
{{- else if eq .Values.gpu.vendor "amd" -}}
amd.com/gpu
{{- else if eq .Values.gpu.vendor "intel" -}}
gpu.intel.com/i915
{{- else }}
{{- fail (printf "gpu.vendor must be nvidia, amd or intel, not %q" .Values.gpu.vendor) }}
{{- end }}
{{- end }}

{{/* Node Feature Discovery label of nodes with a PCI device of the vendor. */}}
{{- define "ollama.gpu.nodeLabel" -}}
{{- $pciVendor := get (dict "nvidia" "10de" "amd" "1002" "intel" "8086") .Values.gpu.vendor }}
{{- printf "feature.node.kubernetes.io/pci-%s.present" $pciVendor }}
{{- end }}

{{/* Base URL of the API: the Route or Ingress host, else the in-cluster Service. */}}
{{- define "ollama.url" -}}
{{- if .Values.route.enabled -}}
https://{{ .Values.route.host }}
{{- else if .Values.ingress.enabled -}}
https://{{ .Values.ingress.host }}
{{- else -}}
http://{{ include "ollama.fullname" . }}.{{ .Release.Namespace }}.svc.cluster.local:{{ .Values.service.port }}
{{- end }}
{{- end }}
