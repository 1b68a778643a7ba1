{{- define "reuse.name" -}}{{ .Values.name }}-{{ .Values.labels.team }}{{- end -}}
{{- define "reuse.labels" -}}
{{- range $k, $v := .labels }}
{{ $k }}: {{ $v }}
{{- end }}
{{- end -}}
{{- define "reuse.counter" -}}
{{- $_ := set . "n" (add1 (.n | default 0)) -}}
{{ .n }}
{{- end -}}
{{- define "reuse.template" -}}{{ .Template.Name }}{{- end -}}
{{- define "reuse.items" -}}{{ join "," . }}{{- end -}}
{{- define "reuse.str" -}}[{{ . }}]{{- end -}}
{{- define "reuse.nested" -}}{{ include "reuse.name" . }}/{{ include "reuse.str" .Values.name }}{{- end -}}
