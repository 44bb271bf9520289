// Private networking (main.bicep's privateNetworking): a VNet whose first half the Function App is integrated with
// (outbound) and whose second half holds one private endpoint per service the app reaches, each registered in its
// private DNS zone, so the public host names the app already uses resolve to private addresses inside the VNet.
targetScope = 'resourceGroup'

param location string

@description('Name of the VNet; subnets and endpoints are named after it.')
param name string

@description('Address space of the VNet, split in two equal subnets.')
param addressPrefix string

param dataStorageId string
param hostStorageId string
param keyVaultId string
param serviceBusId string

// The private DNS zone each endpoint's group registers in. Public-cloud names, like the Service Bus host names in
// main.bicep; the storage suffix comes from environment() because the linter refuses it spelled out.
var storageSuffix = environment().suffixes.storage
var zones = {
  table: 'privatelink.table.${storageSuffix}'
  blob: 'privatelink.blob.${storageSuffix}'
  queue: 'privatelink.queue.${storageSuffix}'
  vault: 'privatelink.vaultcore.azure.net'
  namespace: 'privatelink.servicebus.windows.net'
}

// What the app and its host reach. The host uses blobs (leases, keys); its queue endpoint is for host features that
// keep their state in queues (a blob trigger, some extensions), which would otherwise meet a closed public endpoint.
var endpoints = [
  { name: 'data-table', targetId: dataStorageId, groupId: 'table' }
  { name: 'host-blob', targetId: hostStorageId, groupId: 'blob' }
  { name: 'host-queue', targetId: hostStorageId, groupId: 'queue' }
  { name: 'vault', targetId: keyVaultId, groupId: 'vault' }
  { name: 'servicebus', targetId: serviceBusId, groupId: 'namespace' }
]

// All the app's outbound traffic enters the VNet (vnetRouteAllEnabled), Stripe's and Application Insights' included:
// a NAT gateway is its explicit way out to the internet (new subnets have no default outbound access), with one
// static address, which a restricted Stripe key's IP allowlist can name.
resource outboundAddress 'Microsoft.Network/publicIPAddresses@2024-07-01' = {
  name: 'pip-${name}-outbound'
  location: location
  sku: {
    name: 'Standard'
  }
  properties: {
    publicIPAllocationMethod: 'Static'
  }
}

resource natGateway 'Microsoft.Network/natGateways@2024-07-01' = {
  name: 'ng-${name}'
  location: location
  sku: {
    name: 'Standard'
  }
  properties: {
    publicIpAddresses: [
      {
        id: outboundAddress.id
      }
    ]
  }
}

resource network 'Microsoft.Network/virtualNetworks@2024-07-01' = {
  name: name
  location: location
  properties: {
    addressSpace: {
      addressPrefixes: [addressPrefix]
    }
    subnets: [
      {
        name: 'app'
        properties: {
          addressPrefix: cidrSubnet(addressPrefix, int(split(addressPrefix, '/')[1]) + 1, 0)
          natGateway: {
            id: natGateway.id
          }
          delegations: [
            {
              name: 'app-service'
              properties: {
                serviceName: 'Microsoft.Web/serverFarms'
              }
            }
          ]
        }
      }
      {
        name: 'endpoints'
        properties: {
          addressPrefix: cidrSubnet(addressPrefix, int(split(addressPrefix, '/')[1]) + 1, 1)
        }
      }
    ]
  }

  resource appSubnet 'subnets' existing = {
    name: 'app'
  }

  resource endpointSubnet 'subnets' existing = {
    name: 'endpoints'
  }
}

resource dnsZones 'Microsoft.Network/privateDnsZones@2024-06-01' = [
  for zone in items(zones): {
    name: zone.value
    location: 'global'
  }
]

resource dnsZoneLinks 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2024-06-01' = [
  for (zone, i) in items(zones): {
    parent: dnsZones[i]
    name: name
    location: 'global'
    properties: {
      virtualNetwork: {
        id: network.id
      }
      registrationEnabled: false
    }
  }
]

resource privateEndpoints 'Microsoft.Network/privateEndpoints@2024-07-01' = [
  for endpoint in endpoints: {
    name: 'pe-${name}-${endpoint.name}'
    location: location
    properties: {
      subnet: {
        id: network::endpointSubnet.id
      }
      privateLinkServiceConnections: [
        {
          name: endpoint.name
          properties: {
            privateLinkServiceId: endpoint.targetId
            groupIds: [endpoint.groupId]
          }
        }
      ]
    }
  }
]

resource privateDnsRecords 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2024-07-01' = [
  for (endpoint, i) in endpoints: {
    parent: privateEndpoints[i]
    name: 'default'
    properties: {
      privateDnsZoneConfigs: [
        {
          name: endpoint.groupId
          properties: {
            privateDnsZoneId: resourceId('Microsoft.Network/privateDnsZones', zones[endpoint.groupId])
          }
        }
      ]
    }
    dependsOn: [dnsZones]
  }
]

@description('The subnet the Function App integrates with.')
output appSubnetId string = network::appSubnet.id

@description('The one address the app\'s outbound traffic leaves from.')
output outboundIpAddress string = outboundAddress.properties.ipAddress
