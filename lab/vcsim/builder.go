package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/google/uuid"
	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/simulator/esx"
	"github.com/vmware/govmomi/vim25"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"
)

const gib = int64(1) << 30

// builder turns an Inventory into simulator objects, through the simulator's own API (an
// in-process client) where that API does the job, and by editing the objects where it does not.
type builder struct {
	ctx    context.Context
	client *vim25.Client
	esx    bool
	root   string
	hooks  *hooks

	folders    *object.DatacenterFolders
	hosts      map[string]*object.HostSystem
	hostOrder  []string
	datastores map[string]*simulator.Datastore
	mounts     map[string]map[string]string
	podOf      map[string]string
}

func (b *builder) build(inv *Inventory) error {
	b.hosts = map[string]*object.HostSystem{}
	b.datastores = map[string]*simulator.Datastore{}
	b.mounts = map[string]map[string]string{}
	b.podOf = map[string]string{}

	var err error
	if b.esx {
		err = b.standaloneHost(inv)
	} else {
		err = b.vcenter(inv)
	}
	if err != nil {
		return err
	}
	for _, spec := range inv.Datastores {
		if err = b.datastore(spec); err != nil {
			return fmt.Errorf("datastore %s: %v", spec.Name, err)
		}
	}
	for _, spec := range inv.DatastoreClusters {
		if err = b.storagePod(spec); err != nil {
			return fmt.Errorf("datastore cluster %s: %v", spec.Name, err)
		}
	}
	for _, spec := range inv.VMs {
		if err = b.vm(spec); err != nil {
			return fmt.Errorf("vm %s: %v", spec.Name, err)
		}
	}
	return nil
}

// standaloneHost prepares the ESX model's single host: the datacenter is ha-datacenter, as on a real ESXi.
func (b *builder) standaloneHost(inv *Inventory) error {
	if len(inv.Clusters) != 0 || len(inv.DatastoreClusters) != 0 {
		return fmt.Errorf("a standalone ESXi has no clusters and no datastore clusters")
	}
	dc := object.NewDatacenter(b.client, esx.Datacenter.Reference())
	folders, err := dc.Folders(b.ctx)
	if err != nil {
		return err
	}
	b.folders = folders
	host := simulator.Map.Get(esx.HostSystem.Reference()).(*simulator.HostSystem)
	if inv.Host != "" {
		host.Name = inv.Host
		host.Summary.Config.Name = inv.Host
		if cr, ok := simulator.Map.Get(*host.Parent).(*mo.ComputeResource); ok {
			cr.Name = inv.Host
		}
	}
	b.addHost(host.Name, object.NewHostSystem(b.client, host.Reference()))
	return nil
}

func (b *builder) addHost(name string, host *object.HostSystem) {
	sim := simulator.Map.Get(host.Reference()).(*simulator.HostSystem)
	product := esxiAbout(sim.Config.Product)
	sim.Config.Product = product
	sim.Summary.Config.Product = &product
	b.hosts[name] = host
	b.hostOrder = append(b.hostOrder, name)
}

func (b *builder) vcenter(inv *Inventory) error {
	if inv.Datacenter == "" {
		return fmt.Errorf("datacenter is required for a vCenter")
	}
	if inv.Host != "" {
		return fmt.Errorf("host (the ESXi's name) is for -esx only; a vCenter's hosts belong to clusters")
	}
	dc, err := object.NewRootFolder(b.client).CreateDatacenter(b.ctx, inv.Datacenter)
	if err != nil {
		return err
	}
	if b.folders, err = dc.Folders(b.ctx); err != nil {
		return err
	}
	for _, spec := range inv.Clusters {
		if err = b.cluster(spec); err != nil {
			return fmt.Errorf("cluster %s: %v", spec.Name, err)
		}
	}
	return nil
}

func (b *builder) cluster(spec ClusterSpec) error {
	cluster, err := b.folders.HostFolder.CreateCluster(b.ctx, spec.Name, types.ClusterConfigSpecEx{})
	if err != nil {
		return err
	}
	// The simulator ignores the spec of CreateClusterEx: set DRS on the object itself.
	sim := simulator.Map.Get(cluster.Reference()).(*simulator.ClusterComputeResource)
	drs := types.ClusterDrsConfigInfo{Enabled: types.NewBool(spec.DRS.Enabled)}
	if spec.DRS.DefaultVMBehavior != "" {
		drs.DefaultVmBehavior = types.DrsBehavior(spec.DRS.DefaultVMBehavior)
	}
	drs.VmotionRate = 3
	sim.ConfigurationEx.(*types.ClusterConfigInfoEx).DrsConfig = drs
	sim.Configuration.DrsConfig = drs

	for _, name := range spec.Hosts {
		task, err := cluster.AddHost(b.ctx, types.HostConnectSpec{HostName: name, Force: true}, true, nil, nil)
		if err != nil {
			return err
		}
		info, err := task.WaitForResult(b.ctx, nil)
		if err != nil {
			return fmt.Errorf("adding host %s: %v", name, err)
		}
		b.addHost(name, object.NewHostSystem(b.client, info.Result.(types.ManagedObjectReference)))
	}
	return nil
}

func volumeUUID(name string) string {
	id := uuid.NewSHA1(uuid.NameSpaceOID, []byte("labvcsim/"+name)).String()
	// VMFS volume UUIDs look like 5f1a2b3c-4d5e6f70-8192-a1b2c3d4e5f6
	return id[0:8] + "-" + id[9:13] + id[14:18] + "-" + id[19:23] + "-" + id[24:36]
}

// datastore creates the datastore on its first host with the simulator's HostDatastoreSystem,
// then gives it its type and size and mounts it, per host, read-write, read-only or not at all.
func (b *builder) datastore(spec DatastoreSpec) error {
	mounts := spec.Mounts
	if len(mounts) == 0 {
		mounts = map[string]string{}
		for _, name := range b.hostOrder {
			mounts[name] = mountReadWrite
		}
	}
	var hostNames []string
	for name := range mounts {
		if _, ok := b.hosts[name]; !ok {
			return fmt.Errorf("mounts names host %q, which the inventory does not have", name)
		}
	}
	for _, name := range b.hostOrder {
		if _, ok := mounts[name]; ok {
			hostNames = append(hostNames, name)
		}
	}
	if len(hostNames) == 0 {
		return fmt.Errorf("no host mounts it")
	}

	dir := filepath.Join(b.root, spec.Name)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	dss, err := b.hosts[hostNames[0]].ConfigManager().DatastoreSystem(b.ctx)
	if err != nil {
		return err
	}
	created, err := dss.CreateLocalDatastore(b.ctx, spec.Name, dir)
	if err != nil {
		return err
	}
	ds := simulator.Map.Get(created.Reference()).(*simulator.Datastore)
	volume := b.shapeDatastore(ds, spec)

	ds.Host = nil
	for _, name := range hostNames {
		b.mount(ds, name, mounts[name], volume)
	}
	ds.Summary.MultipleHostAccess = types.NewBool(len(hostNames) > 1)
	b.datastores[spec.Name] = ds
	b.mounts[spec.Name] = mounts
	return nil
}

// shapeDatastore gives the datastore the info and summary of its type; it returns the volume hosts mount.
func (b *builder) shapeDatastore(ds *simulator.Datastore, spec DatastoreSpec) types.BaseHostFileSystemVolume {
	capacity, free := spec.CapacityGB*gib, spec.FreeGB*gib
	base := *ds.Info.GetDatastoreInfo() // Url stays the local directory: the simulator keeps the files there.
	base.Name = spec.Name
	base.FreeSpace = free
	base.MaxFileSize = 62 * 1024 * gib
	base.MaxVirtualDiskCapacity = 62 * 1024 * gib
	base.MaxMemoryFileSize = 62 * 1024 * gib
	id := volumeUUID(spec.Name)

	var volume types.BaseHostFileSystemVolume
	switch spec.Type {
	case "VMFS":
		vmfs := &types.HostVmfsVolume{
			HostFileSystemVolume: types.HostFileSystemVolume{Type: "VMFS", Name: spec.Name, Capacity: capacity},
			BlockSizeMb:          1,
			BlockSize:            1024,
			UnmapGranularity:     1024,
			UnmapPriority:        "low",
			MaxBlocks:            63963136,
			MajorVersion:         6,
			Version:              "6.82",
			Uuid:                 id,
			Ssd:                  types.NewBool(true),
			Local:                types.NewBool(false),
			ScsiDiskType:         "native512",
		}
		ds.Info = &types.VmfsDatastoreInfo{DatastoreInfo: base, MaxPhysicalRDMFileSize: 64 * 1024 * gib, MaxVirtualRDMFileSize: 62 * 1024 * gib, Vmfs: vmfs}
		volume = vmfs
	case "vsan":
		ds.Info = &types.VsanDatastoreInfo{DatastoreInfo: base, MembershipUuid: id}
		volume = &types.HostFileSystemVolume{Type: "vsan", Name: spec.Name, Capacity: capacity}
	default: // NFS, NFS41
		remoteHost, remotePath := spec.RemoteHost, spec.RemotePath
		if remoteHost == "" {
			remoteHost = "nfs.lab.local"
		}
		if remotePath == "" {
			remotePath = "/exports/" + spec.Name
		}
		nas := &types.HostNasVolume{
			HostFileSystemVolume: types.HostFileSystemVolume{Type: spec.Type, Name: spec.Name, Capacity: capacity},
			RemoteHost:           remoteHost,
			RemotePath:           remotePath,
			RemoteHostNames:      []string{remoteHost},
			ProtocolEndpoint:     types.NewBool(false),
		}
		if spec.Type == "NFS41" {
			nas.SecurityType = "AUTH_SYS"
		}
		ds.Info = &types.NasDatastoreInfo{DatastoreInfo: base, Nas: nas}
		volume = nas
	}
	ds.Summary.Type = spec.Type
	ds.Summary.Capacity = capacity
	ds.Summary.FreeSpace = free
	ds.Summary.Accessible = true
	return volume
}

func mountInfo(mode, path string) types.HostMountInfo {
	info := types.HostMountInfo{Path: path, AccessMode: mode, Mounted: types.NewBool(true), Accessible: types.NewBool(true)}
	if mode == mountUnmounted {
		info.AccessMode = mountReadWrite
		info.Mounted = types.NewBool(false)
		info.Accessible = types.NewBool(false)
		info.InaccessibleReason = "NotMounted"
	}
	return info
}

// mount records the datastore on the host (host.datastore, its compute resource's datastore list,
// the host's file system volumes) and the host on the datastore (datastore.host) with its access mode.
func (b *builder) mount(ds *simulator.Datastore, hostName, mode string, volume types.BaseHostFileSystemVolume) {
	ref := b.hosts[hostName].Reference()
	host := simulator.Map.Get(ref).(*simulator.HostSystem)
	dss := simulator.Map.Get(*host.ConfigManager.DatastoreSystem).(*simulator.HostDatastoreSystem)
	if !containsRef(dss.Datastore, ds.Self) {
		dss.Datastore = append(dss.Datastore, ds.Self)
	}
	host.Datastore = dss.Datastore
	switch parent := simulator.Map.Get(*host.Parent).(type) {
	case *mo.ComputeResource:
		if !containsRef(parent.Datastore, ds.Self) {
			parent.Datastore = append(parent.Datastore, ds.Self)
		}
	case *simulator.ClusterComputeResource:
		if !containsRef(parent.Datastore, ds.Self) {
			parent.Datastore = append(parent.Datastore, ds.Self)
		}
	}

	info := mountInfo(mode, "/vmfs/volumes/"+volumeUUID(ds.Name))
	ds.Host = append(ds.Host, types.DatastoreHostMount{Key: ref, MountInfo: info})

	if host.Config.FileSystemVolume == nil {
		host.Config.FileSystemVolume = &types.HostFileSystemVolumeInfo{VolumeTypeList: []string{"VMFS", "NFS", "NFS41", "vsan", "VFFS", "OTHER"}}
	}
	host.Config.FileSystemVolume.MountInfo = append(host.Config.FileSystemVolume.MountInfo, types.HostFileSystemMountInfo{
		MountInfo:       info,
		Volume:          volume,
		VStorageSupport: "vStorageUnsupported",
	})
}

func containsRef(refs []types.ManagedObjectReference, ref types.ManagedObjectReference) bool {
	for _, r := range refs {
		if r == ref {
			return true
		}
	}
	return false
}

func (b *builder) storagePod(spec StoragePodSpec) error {
	var refs []types.ManagedObjectReference
	var capacity, free int64
	for _, name := range spec.Datastores {
		ds, ok := b.datastores[name]
		if !ok {
			return fmt.Errorf("datastore %q is not in the inventory", name)
		}
		if other, ok := b.podOf[name]; ok {
			return fmt.Errorf("datastore %q is already in datastore cluster %s", name, other)
		}
		b.podOf[name] = spec.Name
		refs = append(refs, ds.Self)
		capacity += ds.Summary.Capacity
		free += ds.Summary.FreeSpace
	}
	pod, err := b.folders.DatastoreFolder.CreateStoragePod(b.ctx, spec.Name)
	if err != nil {
		return err
	}
	if len(refs) != 0 {
		task, err := pod.MoveInto(b.ctx, refs)
		if err != nil {
			return err
		}
		if err = task.Wait(b.ctx); err != nil {
			return fmt.Errorf("moving its datastores in: %v", err)
		}
	}
	sim := simulator.Map.Get(pod.Reference()).(*simulator.StoragePod)
	sim.Summary = &types.StoragePodSummary{Name: spec.Name, Capacity: capacity, FreeSpace: free}
	config := &sim.PodStorageDrsEntry.StorageDrsConfig.PodConfig
	config.Enabled = spec.SDRS.Enabled
	config.DefaultVmBehavior = spec.SDRS.DefaultVMBehavior
	config.IoLoadBalanceEnabled = spec.SDRS.IOLoadBalanceEnabled
	config.LoadBalanceInterval = spec.SDRS.LoadBalanceInterval
	config.DefaultIntraVmAffinity = types.NewBool(true)
	config.SpaceLoadBalanceConfig = &types.StorageDrsSpaceLoadBalanceConfig{
		SpaceThresholdMode:            "utilization",
		SpaceUtilizationThreshold:     80,
		MinSpaceUtilizationDifference: 5,
	}
	config.IoLoadBalanceConfig = &types.StorageDrsIoLoadBalanceConfig{
		IoLatencyThreshold:       15,
		IoLoadImbalanceThreshold: 5,
	}
	return nil
}

func (b *builder) vm(spec VMSpec) error {
	hostName := spec.Host
	if hostName == "" {
		if len(b.hostOrder) != 1 {
			return fmt.Errorf("host is required when there is more than one host")
		}
		hostName = b.hostOrder[0]
	}
	host, ok := b.hosts[hostName]
	if !ok {
		return fmt.Errorf("host %q is not in the inventory", hostName)
	}
	ds, ok := b.datastores[spec.Datastore]
	if !ok {
		return fmt.Errorf("datastore %q is not in the inventory", spec.Datastore)
	}
	if mode := b.mounts[spec.Datastore][hostName]; mode != mountReadWrite {
		if mode == "" {
			mode = "not mounted"
		}
		return fmt.Errorf("datastore %s is %s on host %s: a VM cannot live there", spec.Datastore, mode, hostName)
	}
	pool, err := host.ResourcePool(b.ctx)
	if err != nil {
		return err
	}

	var devices object.VirtualDeviceList
	scsi, err := devices.CreateSCSIController(spec.SCSIController)
	if err != nil {
		return err
	}
	devices = append(devices, scsi)
	for i := 0; i < spec.Disks; i++ {
		disk := devices.CreateDisk(scsi.(types.BaseVirtualController), ds.Self, "")
		// "[datastore]" alone: the simulator names the file vm/vm.vmdk, vm/vm_1.vmdk, ...
		disk.Backing.(*types.VirtualDiskFlatVer2BackingInfo).FileName = "[" + spec.Datastore + "]"
		// Each disk has a UUID of its own, stable across restarts, as vSphere gives one (the simulator leaves it empty).
		disk.Backing.(*types.VirtualDiskFlatVer2BackingInfo).Uuid = uuid.NewSHA1(uuid.NameSpaceURL, []byte(fmt.Sprintf("labvcsim/%s/disk/%d", spec.Name, i))).String()
		disk.CapacityInKB = spec.DiskGB * 1024 * 1024
		devices = append(devices, disk)
	}
	nic, err := devices.CreateEthernetCard("vmxnet3", &types.VirtualEthernetCardNetworkBackingInfo{
		VirtualDeviceDeviceBackingInfo: types.VirtualDeviceDeviceBackingInfo{DeviceName: "VM Network"},
	})
	if err != nil {
		return err
	}
	devices = append(devices, nic)
	deviceChange, err := devices.ConfigSpec(types.VirtualDeviceConfigSpecOperationAdd)
	if err != nil {
		return err
	}

	var keys []string
	for key := range spec.ExtraConfig {
		keys = append(keys, key)
	}
	sort.Strings(keys)
	var extra []types.BaseOptionValue
	for _, key := range keys {
		extra = append(extra, &types.OptionValue{Key: key, Value: spec.ExtraConfig[key]})
	}

	firmware := string(types.GuestOsDescriptorFirmwareTypeBios)
	if guestFamilyOf(spec.GuestID) == "windowsGuest" {
		firmware = string(types.GuestOsDescriptorFirmwareTypeEfi)
	}
	config := types.VirtualMachineConfigSpec{
		Name:         spec.Name,
		GuestId:      spec.GuestID,
		NumCPUs:      spec.CPUs,
		MemoryMB:     spec.MemoryMB,
		Annotation:   spec.Annotation,
		Firmware:     firmware,
		Files:        &types.VirtualMachineFileInfo{VmPathName: "[" + spec.Datastore + "]"},
		DeviceChange: deviceChange,
		ExtraConfig:  extra,
	}
	task, err := b.folders.VmFolder.CreateVM(b.ctx, config, pool, host)
	if err != nil {
		return err
	}
	info, err := task.WaitForResult(b.ctx, nil)
	if err != nil {
		return err
	}
	ref := info.Result.(types.ManagedObjectReference)
	sim := simulator.Map.Get(ref).(*simulator.VirtualMachine)
	sim.Config.GuestFullName = spec.GuestFullName
	sim.Summary.Config.GuestFullName = spec.GuestFullName
	b.hooks.setGuest(ref, guestConfig{tools: spec.Tools, ipAddress: spec.IPAddress, fullName: spec.GuestFullName})

	vm := object.NewVirtualMachine(b.client, ref)
	if spec.PowerState != "poweredOff" {
		if err = waitTask(b.ctx, vm.PowerOn); err != nil {
			return fmt.Errorf("powering on: %v", err)
		}
	}
	if spec.PowerState == "suspended" {
		if err = waitTask(b.ctx, vm.Suspend); err != nil {
			return fmt.Errorf("suspending: %v", err)
		}
	}
	b.hooks.applyGuest(&sim.VirtualMachine)
	if spec.Snapshot != "" {
		snapshot := func(ctx context.Context) (*object.Task, error) {
			return vm.CreateSnapshot(ctx, spec.Snapshot, "taken when the lab was built", false, false)
		}
		if err = waitTask(b.ctx, snapshot); err != nil {
			return fmt.Errorf("snapshot %s: %v", spec.Snapshot, err)
		}
	}
	return nil
}

func waitTask(ctx context.Context, start func(context.Context) (*object.Task, error)) error {
	task, err := start(ctx)
	if err != nil {
		return err
	}
	return task.Wait(ctx)
}
