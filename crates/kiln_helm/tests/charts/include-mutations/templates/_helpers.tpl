{{- define "mut.name" -}}{{ .Values.name }}-{{ .Values.labels.team }}{{- end -}}
{{- define "mut.labels" -}}
{{- range $k, $v := .labels }}
{{ $k }}: {{ $v }}
{{- end }}
{{- end -}}
{{- define "mut.counter" -}}
{{- $_ := set . "n" (add1 (.n | default 0)) -}}
{{ .n }}
{{- end -}}
{{- define "mut.template" -}}{{ .Template.Name }}{{- end -}}
{{- define "mut.items" -}}{{ join "," . }}{{- end -}}
{{- define "mut.str" -}}[{{ . }}]{{- end -}}
{{- define "mut.nested" -}}{{ include "mut.name" . }}/{{ include "mut.str" .Values.name }}{{- end -}}
