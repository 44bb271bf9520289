// Resource logs to the Log Analytics workspace: who read which secret, who touched the app's tables and the host's
// blobs, and what happened on the Service Bus namespace. Volume (and cost) of the storage logs: infra/README.md.
targetScope = 'resourceGroup'

@description('The Log Analytics workspace every setting sends to.')
param workspaceId string

param keyVaultName string
param dataStorageName string
param hostStorageName string
param serviceBusName string

var storageOperations = [
  { category: 'StorageRead', enabled: true }
  { category: 'StorageWrite', enabled: true }
  { category: 'StorageDelete', enabled: true }
]

resource keyVault 'Microsoft.KeyVault/vaults@2025-05-01' existing = {
  name: keyVaultName
}

resource dataStorage 'Microsoft.Storage/storageAccounts@2025-06-01' existing = {
  name: dataStorageName

  resource tables 'tableServices' existing = {
    name: 'default'
  }
}

resource hostStorage 'Microsoft.Storage/storageAccounts@2025-06-01' existing = {
  name: hostStorageName

  resource blobs 'blobServices' existing = {
    name: 'default'
  }
}

resource serviceBus 'Microsoft.ServiceBus/namespaces@2024-01-01' existing = {
  name: serviceBusName
}

// Every secret read, list and change, and every failed attempt.
resource keyVaultAudit 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: keyVault
  properties: {
    workspaceId: workspaceId
    logs: [
      { category: 'AuditEvent', enabled: true }
    ]
  }
}

// The app's data: bookings, idempotency keys, inbox and outbox rows.
resource dataTableLogs 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: dataStorage::tables
  properties: {
    workspaceId: workspaceId
    logs: storageOperations
  }
}

// The host's account holds no table the app uses; its blobs hold the host keys and the timer leases.
resource hostBlobLogs 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: hostStorage::blobs
  properties: {
    workspaceId: workspaceId
    logs: storageOperations
  }
}

// Operational logs (entity changes), network filtering and, on Premium, the runtime audit of data-plane access.
resource serviceBusLogs 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: serviceBus
  properties: {
    workspaceId: workspaceId
    logs: [
      { categoryGroup: 'allLogs', enabled: true }
    ]
  }
}
