{{/* Chart name, cut to the 63 characters of a DNS label. */}}
{{- define "training-job.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full name: the release name, prefixed to the chart name unless it contains it. */}}
{{- define "training-job.fullname" -}}
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
{{- define "training-job.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Common labels. */}}
{{- define "training-job.labels" -}}
helm.sh/chart: {{ include "training-job.chart" . }}
{{ include "training-job.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: ai
{{- end }}

{{/* Selector labels: stable across upgrades. */}}
{{- define "training-job.selectorLabels" -}}
app.kubernetes.io/name: {{ include "training-job.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* Pinned image reference. */}}
{{- define "training-job.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}

{{/* Secret filled by the ExternalSecret. */}}
{{- define "training-job.secretName" -}}
{{- printf "%s-secrets" (include "training-job.fullname" .) }}
{{- end }}

{{/* ExternalSecret apiVersion: v1 when the cluster serves it, else v1beta1. */}}
{{- define "training-job.externalSecret.apiVersion" -}}
{{- if .Capabilities.APIVersions.Has "external-secrets.io/v1" -}}
external-secrets.io/v1
{{- else if .Capabilities.APIVersions.Has "external-secrets.io/v1beta1" -}}
external-secrets.io/v1beta1
{{- else -}}
external-secrets.io/v1
{{- end }}
{{- end }}

{{/* Extended resource the vendor's device plugin advertises. */}}
{{- define "training-job.gpu.resource" -}}
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
{{- define "training-job.gpu.nodeLabel" -}}
{{- $pciVendor := get (dict "nvidia" "10de" "amd" "1002" "intel" "8086") .Values.gpu.vendor }}
{{- printf "feature.node.kubernetes.io/pci-%s.present" $pciVendor }}
{{- end }}
