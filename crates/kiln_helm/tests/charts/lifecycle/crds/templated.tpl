apiVersion: v1
kind: ConfigMap
metadata:
  name: not-a-crd-{{ .Release.Name }}
